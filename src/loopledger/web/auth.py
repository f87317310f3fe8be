"""Users of the web app: who may read, who may edit, and how they prove it.

Three roles: ``reader`` (reads; needed only when the server runs with ``--private``),
``editor`` (adds, amends and retracts deals and status events) and ``admin`` (an editor who may
also manage users). Users live in the ledger's ``users`` table (:class:`~loopledger.ledger.
storage.Store`), so every edit in the audit trail names a real account.

Secrets are never stored: a password or API token is kept as an scrypt hash with its own random
salt (``scrypt$N$r$p$salt$hash``, standard library ``hashlib.scrypt``) and checked in constant
time (``hmac.compare_digest``). An API token reads ``NAME:SECRET``; the name tells which hash to
check, the secret is 256 random bits (``secrets.token_urlsafe``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from ..errors import LedgerError, NotFoundError

ROLES = ("reader", "editor", "admin")
#: roles allowed to change the ledger
EDIT_ROLES = ("editor", "admin")

#: scrypt cost: 2**14 x 8 blocks = 16 MiB and about 50 ms per check (the interactive-login
#: setting recommended by the scrypt paper, Percival 2009)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    """A signed-in user: name and role."""

    name: str
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES


def hash_secret(secret: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """An scrypt hash of ``secret`` with a fresh 16-byte salt, as ``scrypt$N$r$p$salt$hash``.

    >>> h = hash_secret("correct horse", n=2**4)
    >>> verify_secret("correct horse", h), verify_secret("wrong", h)
    (True, False)
    """
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str | None) -> bool:
    """Whether ``secret`` matches a hash from :func:`hash_secret` (constant-time compare)."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def check_name(name: str) -> str:
    """A user name: 1-64 lower-case letters, digits, '.', '_' or '-'."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise LedgerError(
            f"'{name}' is not a valid user name: use 1-64 lower-case letters, digits, '.', '_' or '-'"
        )
    return name


def add_user(store, name: str, role: str, password: str | None = None, token: bool = False,
             actor: str = "loopledger") -> str | None:
    """Create or update a user; returns a new API token when ``token`` is true.

    A password shorter than 8 characters is refused. Updating a user keeps the password or
    token it already has unless a new one is given."""
    check_name(name)
    if role not in ROLES:
        raise LedgerError(f"unknown role '{role}': expected one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise LedgerError(f"the password must have at least {MIN_PASSWORD} characters")
    old = store.user(name) or {}
    password_hash = hash_secret(password) if password is not None else old.get("password_hash")
    new_token = f"{name}:{secrets.token_urlsafe(32)}" if token else None
    token_hash = hash_secret(new_token) if new_token else old.get("token_hash")
    if password_hash is None and token_hash is None:
        raise LedgerError("a user needs a password or an API token (or both)")
    store.put_user(name, role, password_hash, token_hash, actor)
    return new_token


def _active(row: dict[str, Any] | None) -> bool:
    return bool(row) and not row.get("disabled")


def authenticate_password(store, name: str, password: str) -> User | None:
    """The user if name and password match an active account, else None."""
    row = store.user(name) if isinstance(name, str) and _NAME.match(name) else None
    if not _active(row):
        # spend the same time as a real check so that timing does not reveal user names
        verify_secret(password, _dummy_hash())
        return None
    if verify_secret(password, row["password_hash"]):
        return User(row["name"], row["role"])
    return None


class TokenCache:
    """Remembers tokens already checked, so scripts do not pay scrypt on every request.

    Keyed by the SHA-256 of the presented token *and* the stored hash, so a new token, a
    changed role or a disabled account takes effect at once."""

    def __init__(self, size: int = 256):
        self.size = size
        self._seen: dict[tuple[str, str], User] = {}

    def authenticate(self, store, token: str) -> User | None:
        """The user whose API token this is (``NAME:SECRET``), else None."""
        if not isinstance(token, str) or ":" not in token:
            return None
        name = token.split(":", 1)[0]
        row = store.user(name) if _NAME.match(name) else None
        if not _active(row) or not row.get("token_hash"):
            return None
        key = (hashlib.sha256(token.encode()).hexdigest(), row["token_hash"] + row["role"])
        hit = self._seen.get(key)
        if hit is not None:
            return hit
        if not verify_secret(token, row["token_hash"]):
            return None
        user = User(row["name"], row["role"])
        if len(self._seen) >= self.size:
            self._seen.pop(next(iter(self._seen)))
        self._seen[key] = user
        return user


def get_user(store, name: str) -> User:
    row = store.user(name)
    if row is None:
        raise NotFoundError(f"no user '{name}'")
    return User(row["name"], row["role"])


@functools.cache
def _dummy_hash() -> str:
    return hash_secret(secrets.token_hex(8))
