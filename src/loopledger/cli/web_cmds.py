"""Web commands: ``loopledger serve`` runs the dashboard and its JSON API with uvicorn;
``loopledger user add|list|disable|enable`` manages who may sign in (:mod:`loopledger.web.auth`)."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated, Optional

import typer

from ..errors import LedgerError
from .app import DbOption, JsonOption, app, console, emit_json, err_console, open_ledger, table

user_app = typer.Typer(help="Accounts of the web app: readers, editors, admins.", no_args_is_help=True)
app.add_typer(user_app, name="user")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    private: Annotated[bool, typer.Option("--private", help="Require sign-in for reading too.")] = False,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="The site is reached over HTTPS (e.g. through a TLS proxy): mark the "
        "session cookie Secure and send Strict-Transport-Security.")] = False,
    proxy_headers: Annotated[bool, typer.Option(
        "--proxy-headers", help="Behind a reverse proxy: take the client's address and scheme from "
        "X-Forwarded-For / X-Forwarded-Proto, from the proxies of --forwarded-allow-ips only.")] = False,
    forwarded_allow_ips: Annotated[str, typer.Option(
        "--forwarded-allow-ips", help="Comma-separated addresses of the proxies trusted with "
        "--proxy-headers.")] = "127.0.0.1",
    view_rate: Annotated[float, typer.Option(
        "--view-rate", help="Views one client address may have computed per second (cached views are "
        "not counted); 0 turns the limit off.")] = 2.0,
    view_burst: Annotated[int, typer.Option("--view-burst", help="... and at once.")] = 60,
    edges: Annotated[Optional[str], typer.Option(
        "--edges", help="Show this edge list (CSV or Parquet with source,target[,amount]) "
        "instead of the ledger, read-only; large networks are drawn as groups.")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", help="Worker processes (default: as many as cores). Sign-in throttle and "
        "view rate limit are counted per worker.")] = None,
) -> None:
    """Run the web dashboard and its JSON API (OpenAPI page at /docs). Reading is open unless
    --private; editing needs an editor (see `loopledger user add`). Sessions are signed with
    $LOOPLEDGER_SECRET (random per run if unset). With --edges FILE the page draws
    that network instead (read-only, no ledger). --workers N runs N processes (default: one
    per core). See docs/web.md, "Security" and "Under load"."""
    if not 0 < port < 65536:
        raise LedgerError(f"--port {port} is not a TCP port (1-65535)")
    if view_rate < 0 or view_burst < 1:
        raise LedgerError("--view-rate must be at least 0 and --view-burst at least 1")
    if workers is not None and workers < 1:
        raise LedgerError(f"--workers {workers}: give at least 1")
    if edges is not None:
        _serve_edges(edges, db, host, port, private)
        return
    from ..web.serve import default_workers, shareable_url
    from ..web.serve import serve as run_server

    ledger = open_ledger(db)
    url = shareable_url(ledger)
    n = default_workers() if workers is None else workers
    if url is None and n > 1:
        if workers is not None:
            raise LedgerError("an in-memory database lives in one process: serve it with --workers 1")
        n = 1
    if ledger.store.count("deals") == 0:
        err_console().print("warning: the ledger is empty; load the bundled data with `loopledger init`",
                            markup=False)
    if not any(u["role"] in ("editor", "admin") for u in ledger.store.users()):
        err_console().print("note: no editor yet; add one with `loopledger user add NAME --role editor`",
                            markup=False)
    console().print(f"loopledger on http://{host}:{port}/ ({'private' if private else 'public reading'}; "
                    f"API docs at /docs; {n} worker{'s' if n > 1 else ''}). Ctrl-C stops.", markup=False)
    run_server(url or "", host=host, port=port, workers=n, private=private, secure_cookies=secure_cookies,
               proxy_headers=proxy_headers, forwarded_allow_ips=forwarded_allow_ips,
               view_rate=view_rate or None, view_burst=view_burst, ledger=ledger)


def _serve_edges(path: str, db: str | None, host: str, port: int, private: bool) -> None:
    """``serve --edges FILE``: the map of a user's edge list, computed before serving."""
    import time

    import uvicorn

    from ..web import create_app
    from ..web.usermap import load_user_map

    if db is not None:
        raise LedgerError("--edges shows an edge list instead of a ledger: leave out --db")
    if private:
        raise LedgerError("--edges serves no accounts, so --private would lock everyone out: leave it out")
    t0 = time.perf_counter()
    um = load_user_map(path)
    err_console().print(f"read {path}: {um.net.n:,} companies, {um.net.m:,} links; grouping...", markup=False)
    um.view()  # the first level, before the first visitor asks
    application = create_app(user_map=um)
    console().print(f"loopledger on http://{host}:{port}/ showing {path} (read-only; ready in "
                    f"{time.perf_counter() - t0:.1f} s). Ctrl-C stops.", markup=False)
    uvicorn.run(application, host=host, port=port, log_level="info", server_header=False)


def _read_password(password_stdin: bool) -> str:
    if password_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise LedgerError("no password on standard input")
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise LedgerError("the two passwords differ")
    return first


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (lower-case letters, digits, . _ -).")],
    role: Annotated[str, typer.Option(help="reader, editor or admin.")] = "editor",
    token: Annotated[bool, typer.Option("--token", help="Also create an API token and print it (shown once).")] = False,
    no_password: Annotated[bool, typer.Option("--no-password", help="No password (token-only account, for scripts).")] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")] = False,
    token_days: Annotated[int, typer.Option("--token-days", help="Days the new API token lasts (1-366).")] = 90,
    db: DbOption = None,
) -> None:
    """Create a user, or change an existing user's role, password or token. The password is
    read from a prompt (or the first line of stdin) and stored only as a salted scrypt hash.
    A new password or role ends every session of the account and revokes its token (unless
    --token makes a new one)."""
    from ..web.auth import ROLES, add_user, check_name

    check_name(name)
    if role not in ROLES:
        raise LedgerError(f"unknown role '{role}': expected one of {', '.join(ROLES)}")
    if no_password and not token:
        ledger = open_ledger(db)
        if not (ledger.store.user(name) or {}).get("token_hash"):
            raise LedgerError("--no-password needs --token (an account must be able to sign in)")
    password = None if no_password else _read_password(password_stdin)
    ledger = open_ledger(db)
    new_token = add_user(ledger.store, name, role, password=password, token=token, actor="cli",
                         token_days=token_days)
    err_console().print(f"User {name} ({role}) saved.", markup=False)
    if new_token:
        err_console().print(f"API token (shown once, valid {token_days} days; send it as "
                            "'Authorization: Bearer TOKEN'):", markup=False)
        print(new_token)


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(help="User name.")],
    db: DbOption = None,
) -> None:
    """Disable an account: its sessions end and its API token is revoked at once (on a
    running server too). The account and its edits stay; `user enable` lets it sign in again."""
    from ..web.auth import check_name, disable_user

    check_name(name)
    disable_user(open_ledger(db).store, name, actor="cli")
    err_console().print(f"User {name} disabled: every session and token of it ended.", markup=False)


@user_app.command("enable")
def user_enable(
    name: Annotated[str, typer.Argument(help="User name.")],
    db: DbOption = None,
) -> None:
    """Let a disabled account sign in again with its password (a revoked token stays revoked:
    make a new one with `user add NAME --token`)."""
    from ..web.auth import check_name, enable_user

    check_name(name)
    ledger = open_ledger(db)
    enable_user(ledger.store, name, actor="cli")
    row = ledger.store.user(name) or {}
    note = "" if row.get("password_hash") or row.get("token_hash") else \
        " It has no password or token yet: give one with `loopledger user add`."
    err_console().print(f"User {name} enabled.{note}", markup=False)


@user_app.command("list")
def user_list(db: DbOption = None, json: JsonOption = False) -> None:
    """The accounts: name, role, whether they have a password and a token (never the secrets)."""
    from ..web.auth import as_utc

    users = [
        {"name": u["name"], "role": u["role"], "password": bool(u["password_hash"]),
         "token": bool(u["token_hash"]), "disabled": bool(u["disabled"]), "created_at": u["created_at"],
         "token_expires": as_utc(u.get("token_expires")) if u["token_hash"] else None}
        for u in open_ledger(db).store.users()
    ]
    if json:
        emit_json(users)
        return
    console().print(table(f"{len(users)} users", ["name", "role", "password", "token", "token expires", "disabled"],
                          [[u["name"], u["role"], "yes" if u["password"] else "", "yes" if u["token"] else "",
                            f"{u['token_expires']:%Y-%m-%d}" if u["token_expires"] else "",
                            "yes" if u["disabled"] else ""] for u in users]))
