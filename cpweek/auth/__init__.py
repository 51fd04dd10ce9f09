"""People, roles, sign in and out, password reset, and the one permission mechanism."""
