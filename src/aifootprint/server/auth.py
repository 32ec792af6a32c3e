"""Write tokens: created by an admin command, stored hashed, checked in constant time.

A token reads ``afp_<token_id>_<secret>``: ``token_id`` (8 random bytes, hex) finds the row, ``secret`` (32 random
bytes, URL-safe base64) is never stored; the database keeps its SHA-256 (a 256-bit random secret needs no slow
hash: nothing to brute-force), compared with :func:`hmac.compare_digest`. Revoking sets ``revoked_at``.
Clients send ``Authorization: Bearer <token>`` (the uploader reads ``$AIFOOTPRINT_TOKEN``:
:data:`aifootprint.server.client.TOKEN_ENV`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from .models import ApiToken

PREFIX = "afp"
_TOKEN = re.compile(r"^afp_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def create_token(session: Session, name: str) -> str:
    """Create a token named ``name`` (1 to 200 printable characters: who or what uses it); returns the full token
    (shown once, never stored)."""
    if not 1 <= len(name.strip()) <= 200 or not name.isprintable():  # was cut to 200 silently, '' accepted
        raise InputError(f"a token name is 1 to 200 printable characters (who or what uses it, e.g. node-17); got "
                         f"{name[:40]!r}{'…' if len(name) > 40 else ''} ({len(name)} characters)")
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    session.add(ApiToken(token_id=token_id, name=name, secret_sha256=_digest(secret), created_at=time.time()))
    session.flush()
    return f"{PREFIX}_{token_id}_{secret}"


def list_tokens(session: Session) -> list[dict[str, Any]]:
    return [{"token_id": t.token_id, "name": t.name, "created_at": t.created_at, "revoked_at": t.revoked_at}
            for t in session.scalars(select(ApiToken).order_by(ApiToken.created_at))]


def revoke_token(session: Session, token_id: str) -> bool:
    """Revoke by id (the ``afp_<id>_…`` part, or the whole token); False when no active token has that id."""
    m = _TOKEN.match(token_id)
    tid = m.group(1) if m else token_id
    row = session.get(ApiToken, tid)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = time.time()
    return True


def check_token(session: Session, token: str | None) -> bool:
    """True when ``token`` is a valid, unrevoked token (constant-time comparison of the secret's digest)."""
    if not token:
        return False
    m = _TOKEN.match(token.strip())
    if m is None:
        return False
    row = session.get(ApiToken, m.group(1))
    expected = row.secret_sha256 if row is not None else "0" * 64
    ok = hmac.compare_digest(_digest(m.group(2)), expected)
    return ok and row is not None and row.revoked_at is None


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (None if absent or another scheme)."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None
