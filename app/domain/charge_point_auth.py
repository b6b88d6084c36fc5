"""Charge-point credentials (OCPP 1.6 security profiles 1 and 2: HTTP Basic auth). Pure.

The key a charge point presents is random and long (OCPP's AuthorizationKey is 16–40 bytes), so a
salted PBKDF2-SHA256 with a moderate work factor is plenty and keeps a reconnect storm (hundreds of
charge points after a LAN outage) cheap. Only the hash is stored in the database; the key itself
lives in the OS keyring of the desk that set it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import string

ITERATIONS = 20_000
_ALPHABET = string.ascii_letters + string.digits


def generate_key(length: int = 24) -> str:
    """A new AuthorizationKey: letters and digits (the Basic-auth header needs no escaping)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def hash_key(key: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", key.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_key(key: str, stored: str | None) -> bool:
    """True if `key` matches the stored hash; False for anything malformed (never raises)."""
    if not stored:
        return False
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", key.encode(), bytes.fromhex(salt_hex), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """('user', 'password') from an `Authorization: Basic …` header; None if absent or malformed."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (user, password) if sep else None


def basic_auth_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def identity_from_path(path: str, prefix: str = "/ocpp/") -> str | None:
    """The charge point identity from the request path ('/ocpp/CP-001' → 'CP-001'); None if not ours."""
    p = path.split("?", 1)[0]
    if not p.startswith(prefix):
        return None
    ident = p[len(prefix):].strip("/")
    if not ident or "/" in ident or len(ident) > 48 or not ident.isprintable():
        return None
    return ident
