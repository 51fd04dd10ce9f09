"""Forms of the evidence room, one module per concept (as views)."""
