"""Users of the web app: who may read, who may edit, and how they prove it.

Three roles: ``reader`` (reads; needed only when the server runs with ``--private``),
``editor`` (adds, amends and retracts deals and status events) and ``admin`` (an editor who may
also manage users). Users live in the ledger's ``users`` table (:class:`~loopledger.ledger.
storage.Store`), so every edit in the audit trail names a real account.

Secrets are never stored:

* a **password** is kept as an scrypt hash with its own random 16-byte salt
  (``scrypt$N$r$p$salt$hash``, standard library ``hashlib.scrypt``) at the cost the OWASP
  Password Storage Cheat Sheet recommends for scrypt: N = 2^17, r = 8, p = 1 (128 MiB and
  about 0.3 s per check). A hash made with a lower cost is re-made at the next sign-in. At most
  two hashes are computed at once (:data:`KDF_SLOTS`), so a burst of sign-ins cannot exhaust
  the server's memory; a request that waits too long for a slot gets 503.
* an **API token** reads ``NAME:SECRET``; the secret is 256 random bits
  (``secrets.token_urlsafe``), so it is kept as its SHA-256 (``sha256$hex``): a slow hash adds
  nothing to a secret that cannot be guessed, and a fast one lets every request check it. A
  token expires (:data:`TOKEN_DAYS` days by default). Tokens stored by earlier versions as
  scrypt hashes still work and are re-stored as SHA-256 on first use.

Checks take the same work whether or not the account exists: an unknown, disabled or
password-less account is checked against a dummy hash of the same kind and cost, and digests
are compared with ``hmac.compare_digest``.

Sessions end on the server: every account has a ``generation`` that a session cookie must
match; signing out, a new password, a new role and ``loopledger user disable`` raise it, so
every cookie of the account (copied ones too) stops working at once. A new password, a new
role and disabling also revoke the API token.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import LedgerError, NotFoundError

ROLES = ("reader", "editor", "admin")
#: roles allowed to change the ledger
EDIT_ROLES = ("editor", "admin")

#: scrypt cost: OWASP Password Storage Cheat Sheet, "scrypt with a minimum CPU/memory cost
#: parameter of (2^17), a minimum block size of 8 (1024 bytes), and a parallelization
#: parameter of 1"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
#: stored hashes asking for more than this are refused unchecked (a hostile row cannot make
#: the server spend gigabytes)
MAX_SCRYPT_N = 2**20
#: how many scrypt computations may run at once, and how long a request waits for one
KDF_SLOTS = threading.BoundedSemaphore(2)
KDF_WAIT_SECONDS = 20.0

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD = 8
#: the sign-in form takes at most this many characters, so no longer password is accepted
MAX_PASSWORD = 1024
#: days an API token lasts unless told otherwise, and the most it may last
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
#: passwords too common to accept whatever their length (the first of the usual leak lists)
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop",
    "qwerty123", "11111111", "00000000", "iloveyou", "sunshine", "princess", "football",
    "baseball", "welcome1", "admin123", "letmein1", "abc12345", "passw0rd", "trustno1",
    "loopledger", "changeme", "aaaaaaaa",
})


class Busy(LedgerError):
    """Too many password checks at once: the client should retry shortly."""


@dataclass(frozen=True)
class User:
    """A signed-in user: name, role and the generation of their sessions."""

    name: str
    role: str
    generation: int = 0

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES


def _now() -> datetime:
    return datetime.now(UTC)


def as_utc(at: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite gives back naive ones, which are UTC)."""
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=UTC)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, dklen: int = 32) -> bytes:
    if not (1 < n <= MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 16 <= dklen <= 64):
        raise ValueError("scrypt parameters out of range")
    if not KDF_SLOTS.acquire(timeout=KDF_WAIT_SECONDS):
        raise Busy("the server is checking too many passwords at once: try again in a few seconds")
    try:
        return hashlib.scrypt(secret.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p,
                              dklen=dklen, maxmem=129 * r * n * p + (1 << 20))
    finally:
        KDF_SLOTS.release()


def hash_secret(secret: str, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """An scrypt hash of ``secret`` with a fresh 16-byte salt, as ``scrypt$N$r$p$salt$hash``.

    >>> h = hash_secret("correct horse", n=2**4)
    >>> verify_secret("correct horse", h), verify_secret("wrong", h)
    (True, False)
    """
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, n, r, p)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def hash_token(token: str) -> str:
    """The stored form of an API token: ``sha256$`` and its SHA-256 in hex.

    >>> verify_secret("ed:abc", hash_token("ed:abc")), verify_secret("ed:abd", hash_token("ed:abc"))
    (True, False)
    """
    return "sha256$" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def verify_secret(secret: str, stored: str | None) -> bool:
    """Whether ``secret`` matches a hash from :func:`hash_secret` or :func:`hash_token`
    (constant-time compare; False for a malformed hash)."""
    if not stored or not isinstance(secret, str):
        return False
    try:
        if stored.startswith("sha256$"):
            return hmac.compare_digest(hash_token(secret), stored)
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = _scrypt(secret, bytes.fromhex(salt), int(n), int(r), int(p), len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def needs_rehash(stored: str | None) -> bool:
    """Whether a password hash is weaker than the current cost."""
    try:
        scheme, n, r, p, _salt, _digest = (stored or "").split("$")
        return scheme != "scrypt" or (int(n), int(r), int(p)) < (SCRYPT_N, SCRYPT_R, SCRYPT_P)
    except ValueError:
        return True


def check_name(name: str) -> str:
    """A user name: 1-64 lower-case letters, digits, '.', '_' or '-'."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise LedgerError(
            f"'{name}' is not a valid user name: use 1-64 lower-case letters, digits, '.', '_' or '-'"
        )
    return name


def check_password(password: str, name: str | None = None) -> str:
    """A password that is not blank, not trivially short or common, and not the user's name
    (NIST SP 800-63B 3.1.1.2: at least 8 characters, checked against common passwords)."""
    if not isinstance(password, str) or not password.strip():
        raise LedgerError("the password is blank")
    if len(password) < MIN_PASSWORD:
        raise LedgerError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise LedgerError(f"the password may have at most {MAX_PASSWORD} characters")
    if len(set(password)) < 3:
        raise LedgerError("the password repeats one or two characters: choose a less guessable one")
    if password.lower() in COMMON_PASSWORDS or (name and password.lower() == name.lower()):
        raise LedgerError("the password is too common (or is the user name): choose another")
    return password


def add_user(store, name: str, role: str, password: str | None = None, token: bool = False,
             actor: str = "loopledger", token_days: int = TOKEN_DAYS) -> str | None:
    """Create or update a user; returns a new API token when ``token`` is true.

    The password must pass :func:`check_password`. Updating a user keeps the password or token
    it already has unless a new one is given; a new password or a new role ends every session
    of the account and revokes its token (unless a new token is made at the same time)."""
    check_name(name)
    if role not in ROLES:
        raise LedgerError(f"unknown role '{role}': expected one of {', '.join(ROLES)}")
    if password is not None:
        check_password(password, name)
    if not 1 <= int(token_days) <= MAX_TOKEN_DAYS:
        raise LedgerError(f"a token lasts 1 to {MAX_TOKEN_DAYS} days, not {token_days}")
    old = store.user(name) or {}
    revoke = bool(old) and (password is not None or role != old.get("role"))
    password_hash = hash_secret(password) if password is not None else old.get("password_hash")
    new_token = f"{name}:{secrets.token_urlsafe(32)}" if token else None
    if new_token:
        token_hash, expires = hash_token(new_token), _now() + timedelta(days=int(token_days))
    elif revoke:
        token_hash, expires = None, None
    else:
        token_hash, expires = old.get("token_hash"), old.get("token_expires")
    if password_hash is None and token_hash is None:
        raise LedgerError("a user needs a password or an API token (or both)"
                          + ("; a new role revokes the old token: add --token" if old.get("token_hash") else ""))
    store.put_user(name, role, password_hash, token_hash, actor, token_expires=expires, revoke=revoke)
    return new_token


def disable_user(store, name: str, actor: str = "loopledger") -> None:
    """Disable an account: every session ends and its API token is revoked at once."""
    row = _row(store, name)
    store.put_user(name, row["role"], row["password_hash"], None, actor, revoke=True, disabled=True,
                   action="user_disable")


def enable_user(store, name: str, actor: str = "loopledger") -> None:
    """Enable a disabled account again (its old sessions and token stay revoked)."""
    row = _row(store, name)
    store.put_user(name, row["role"], row["password_hash"], row["token_hash"], actor,
                   token_expires=row.get("token_expires"), disabled=False, action="user_enable")


def end_sessions(store, name: str) -> None:
    """End every session of the account (signing out); its API token stays valid."""
    store.bump_generation(name)


def _row(store, name: str) -> dict[str, Any]:
    row = store.user(name)
    if row is None:
        raise NotFoundError(f"no user '{name}'")
    return row


def _active(row: dict[str, Any] | None) -> bool:
    return row is not None and not row.get("disabled")


def authenticate_password(store, name: str, password: str) -> User | None:
    """The user if name and password match an active account, else None. An unknown,
    disabled or password-less account costs the same scrypt check as a real one."""
    row = store.user(name) if isinstance(name, str) and _NAME.match(name) else None
    stored = row.get("password_hash") if _active(row) and row else None
    if not stored or row is None:
        verify_secret(password, _dummy_password_hash())
        return None
    if not verify_secret(password, stored):
        return None
    if needs_rehash(stored):
        store.put_user(row["name"], row["role"], hash_secret(password), row["token_hash"], row["name"],
                       token_expires=row.get("token_expires"), action="user_rehash")
    return User(row["name"], row["role"], row.get("generation") or 0)


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking an API token: the user, or why not."""

    user: User | None
    reason: str = ""


class TokenChecker:
    """Checks ``Authorization: Bearer NAME:SECRET`` tokens against the ``users`` table.

    Every check reads the account's row, so a disabled account, a changed role or a revoked
    token takes effect at once, and computes one SHA-256 whether or not the account exists."""

    def check(self, store, token: str) -> TokenCheck:
        name = token.split(":", 1)[0] if isinstance(token, str) and ":" in token else ""
        row = store.user(name) if _NAME.match(name) else None
        stored = row.get("token_hash") if _active(row) and row else None
        if not verify_secret(token if isinstance(token, str) else "", stored or _dummy_token_hash()) \
                or not stored or row is None:
            return TokenCheck(None, "invalid or revoked API token")
        expires = as_utc(row.get("token_expires"))
        if expires is not None and expires <= _now():
            return TokenCheck(None, f"the API token expired on {expires:%Y-%m-%d %H:%M} UTC: ask for a new one")
        if not stored.startswith("sha256$"):  # a token stored by an earlier version
            store.put_user(row["name"], row["role"], row["password_hash"], hash_token(token), row["name"],
                           token_expires=expires, action="user_rehash")
        return TokenCheck(User(row["name"], row["role"], row.get("generation") or 0))

    def authenticate(self, store, token: str) -> User | None:
        """The user whose API token this is (``NAME:SECRET``), else None."""
        return self.check(store, token).user


#: the name earlier versions used
TokenCache = TokenChecker


def get_user(store, name: str) -> User:
    row = _row(store, name)
    return User(row["name"], row["role"], row.get("generation") or 0)


@functools.cache
def _dummy_password_hash() -> str:
    return hash_secret(secrets.token_hex(16))


@functools.cache
def _dummy_token_hash() -> str:
    return hash_token(secrets.token_hex(32))
