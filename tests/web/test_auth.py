"""Accounts: hashing (checked against hashlib.scrypt recomputed from the stored salt), sign-in
through the form with its CSRF token, API tokens, private servers, and the CLI commands."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopledger.web.auth import add_user, authenticate_password, hash_secret, verify_secret

FAST = 2**4  # cheap scrypt cost for property tests; the stored format carries the cost


@settings(max_examples=40, deadline=None)
@given(secret=st.text(min_size=1, max_size=40), other=st.text(min_size=1, max_size=40))
def test_hash_verifies_its_secret_only(secret, other):
    h = hash_secret(secret, n=FAST)
    assert verify_secret(secret, h)
    assert verify_secret(other, h) == (other == secret)


def test_hash_is_scrypt_with_a_random_salt():
    a, b = hash_secret("same password"), hash_secret("same password")
    assert a != b  # a fresh salt each time
    scheme, n, r, p, salt, digest = a.split("$")
    # OWASP Password Storage Cheat Sheet: scrypt N = 2^17, r = 8, p = 1
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)
    expected = hashlib.scrypt(b"same password", salt=bytes.fromhex(salt), n=2**17, r=8, p=1, dklen=32,
                              maxmem=2**28)
    assert digest == expected.hex() and len(salt) == 32
    for broken in ("", "plain", "scrypt$x$8$1$00$00", "md5$1$1$1$00$00", None):
        assert not verify_secret("same password", broken)


def test_secrets_are_never_stored(ledger):
    token = add_user(ledger.store, "newbie", "editor", password="a long password", token=True)
    row = ledger.store.user("newbie")
    assert "a long password" not in str(row) and token.split(":", 1)[1] not in str(row)
    assert verify_secret("a long password", row["password_hash"]) and verify_secret(token, row["token_hash"])
    assert authenticate_password(ledger.store, "newbie", "a long password").role == "editor"
    assert authenticate_password(ledger.store, "newbie", "wrong password") is None
    assert authenticate_password(ledger.store, "nobody", "a long password") is None


@pytest.mark.parametrize("name,role,password,message", [
    ("Bad Name", "editor", "long enough", "not a valid user name"),
    ("ok", "superuser", "long enough", "unknown role"),
    ("ok", "editor", "short", "at least 8"),
])
def test_add_user_rejects(ledger, name, role, password, message):
    from loopledger import LedgerError

    with pytest.raises(LedgerError, match=message):
        add_user(ledger.store, name, role, password=password)
    assert ledger.store.user(name) is None


def test_sign_in_and_out_through_the_form(client, users):
    me = client.get("/api/me").json()
    assert me["user"] is None and not me["can_edit"]
    page = client.get("/login")
    assert page.status_code == 200 and me["csrf_token"] in page.text
    # no CSRF token: refused (login CSRF)
    r = client.post("/login", data={"name": "ed", "password": "correct-horse-battery"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/login", data={"name": "ed", "password": "wrong", "csrf_token": me["csrf_token"]})
    assert r.status_code == 401 and "wrong password" in r.text
    r = client.post("/login", data={"name": "ed", "password": "correct-horse-battery", "csrf_token": me["csrf_token"],
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"  # never off-site
    me2 = client.get("/api/me").json()
    assert (me2["user"], me2["role"], me2["can_edit"]) == ("ed", "editor", True)
    assert me2["csrf_token"] != me["csrf_token"]  # a fresh token for the new session
    assert "Edit the ledger" in client.get("/").text
    r = client.post("/logout", data={"csrf_token": me2["csrf_token"]}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/me").json()["user"] is None
    assert "Edit the ledger" not in client.get("/").text


def test_session_cookie_is_signed(client, users, sign_in):
    sign_in(client, "rita")
    cookie = client.cookies.get("loopledger_session")
    assert cookie
    client.cookies.set("loopledger_session", cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert client.get("/api/me").json()["user"] is None


def test_api_token_for_the_signed_in_user(client, users, sign_in, bearer):
    csrf = sign_in(client, "eve")
    password = {"password": "correct-horse-battery"}
    assert client.post("/api/me/token", json=password).status_code == 403  # cookie session without CSRF
    # the password is asked again: a session alone (a stolen cookie) cannot mint a token
    r = client.post("/api/me/token", headers={"X-CSRF-Token": csrf}, json={})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "password"
    r = client.post("/api/me/token", headers={"X-CSRF-Token": csrf}, json={"password": "not her password"})
    assert r.status_code == 403 and r.json()["errors"][0]["field"] == "password"
    assert client.get("/api/me", headers=bearer(users["eve"])).json()["user"] == "eve"  # nothing changed
    r = client.post("/api/me/token", headers={"X-CSRF-Token": csrf}, json=password)
    assert r.status_code == 200
    token = r.json()["token"]
    assert client.get("/api/me", headers=bearer(token)).json()["user"] == "eve"
    # the old token stopped working
    assert client.get("/api/me", headers=bearer(users["eve"])).status_code == 401


def test_private_server_needs_a_user_for_reading(ledger, users, bearer, sign_in):
    from fastapi.testclient import TestClient

    from loopledger.web import create_app

    with TestClient(create_app(ledger=ledger, private=True, secret_key="k")) as c:
        for path in ("/api/deals", "/api/network", "/openapi.json", "/api/me"):
            r = c.get(path)
            assert r.status_code == 401 and r.json()["errors"][0]["field"] == "user"
        r = c.get("/?as_of=2024-01-01", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
        assert c.get("/login").status_code == 200
        assert c.get("/static/app.css").status_code == 200
        assert c.get("/api/deals", headers=bearer(users["rita"])).status_code == 200
        assert c.get("/api/deals", headers=bearer("rita:wrong")).status_code == 401
        csrf = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/login", data={"name": "rita", "password": "correct-horse-battery", "csrf_token": csrf},
                   follow_redirects=False)
        assert r.status_code == 303
        assert c.get("/api/deals").status_code == 200 and c.get("/").status_code == 200


def test_public_server_reads_without_a_user(client):
    assert client.get("/api/deals").status_code == 200
    assert client.get("/").status_code == 200


def test_cli_user_add_reads_the_password_from_stdin(cli, db_copy, monkeypatch):
    from loopledger.ledger import Ledger

    monkeypatch.setattr("sys.stdin", io.StringIO("a fine long password\n"))
    r = cli("user", "add", "carol", "--role", "editor", "--token", "--db", db_copy)
    assert r.code == 0, r.err
    token = r.out.strip()
    assert token.startswith("carol:")
    store = Ledger.open(db_copy).store
    assert authenticate_password(store, "carol", "a fine long password").role == "editor"
    assert verify_secret(token, store.user("carol")["token_hash"])
    listed = cli("user", "list", "--json", "--db", db_copy).json()
    assert {"name": "carol", "role": "editor", "password": True, "token": True} .items() <= \
        next(u for u in listed if u["name"] == "carol").items()


@pytest.mark.parametrize("args,stdin,message", [
    (["user", "add", "dave", "--role", "boss"], "long password\n", "unknown role"),
    (["user", "add", "dave"], "short\n", "at least 8"),
    (["user", "add", "dave"], "", "no password"),
    (["user", "add", "Dave!"], "long password\n", "not a valid user name"),
    (["user", "add", "dave", "--no-password"], "", "needs --token"),
    (["serve", "--port", "70000"], "", "not a TCP port"),
])
def test_cli_errors_exit_1(cli, db_copy, monkeypatch, args, stdin, message):
    from loopledger.ledger import Ledger

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    r = cli(*args, "--db", db_copy)
    assert r.code == 1 and message in r.err
    assert Ledger.open(db_copy).store.user("dave") is None


def test_server_process_reports_a_failed_start(tmp_path):
    """The background runner says so when ``loopledger serve`` cannot start, and leaves no
    process behind."""
    from loopledger import LedgerError
    from loopledger.web.background import ServerProcess

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    runner = ServerProcess(f"sqlite:///{blocker}/ledger.db", log=tmp_path / "log.txt", timeout=30)
    with pytest.raises(LedgerError, match="did not start"):
        with runner:
            pass
    assert runner.process.poll() is not None
