"""Secret tokens for links and sessions: made here, kept only as a hash.

A link's token (a session's, an invitation's, a feedback form's) is shown once and never
stored: the database keeps its SHA-256, so someone reading the tables cannot use a link. The
tokens are random, so a plain hash (no salt, no slow hashing) is enough: there is nothing to
guess from."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet


def new_token(nbytes: int = TOKEN_BYTES) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """What is kept of a token, and what a token someone brings is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()
