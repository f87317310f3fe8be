"""Issue 16 against the web app, on both backends (an SQLite file and a PostgreSQL schema): sign-in
throttling and logging, constant work for token and password checks, password rules, expiring
tokens, sessions ended on the server, edits that touch only what they may, hostile text and
implausible amounts, security headers on every answer, errors that name nothing inside, and
the rate limit on views that must be computed."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from loopledger import Ledger
from loopledger.web import auth
from loopledger.web.auth import hash_secret, hash_token

PASSWORD = "correct-horse-battery"
SOURCE = {"url": "https://example.org/press/security", "publisher": "Example Wire", "date": "2026-11-20",
          "type": "news"}
USERS = (("ed", "editor"), ("eve", "editor"), ("rita", "reader"), ("ada", "admin"))


@pytest.fixture(scope="session")
def password_hash():
    """One real-cost scrypt hash of PASSWORD, made once (0.3 s each)."""
    return hash_secret(PASSWORD)


@pytest.fixture
def sec(db_url, password_hash):
    """The bundled ledger on this backend with four users, each with a password and a token."""
    led = Ledger.open(db_url)
    led.init()
    tokens = {}
    for name, role in USERS:
        tokens[name] = f"{name}:{secrets.token_urlsafe(32)}"
        led.store.put_user(name, role, password_hash, hash_token(tokens[name]), "test",
                           token_expires=datetime.now(UTC) + timedelta(days=90))
    yield SimpleNamespace(ledger=led, url=db_url, tokens=tokens)
    led.store.engine.dispose()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def make_client(sec):
    from fastapi.testclient import TestClient

    from loopledger.web import create_app

    opened = []

    def make(app=None, client=("203.0.113.1", 50000), base_url="http://testserver", **options):
        app = app or create_app(ledger=sec.ledger, secret_key="test-secret", **options)
        c = TestClient(app, client=client, base_url=base_url)
        c.__enter__()
        opened.append(c)
        return c

    yield make
    for c in opened:
        c.__exit__(None, None, None)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def sign_in(client, name, password=PASSWORD):
    csrf = client.get("/api/me").json()["csrf_token"]
    return client.post("/login", data={"name": name, "password": password, "csrf_token": csrf, "next": "/"},
                       follow_redirects=False)


def signed_in(client, name):
    r = sign_in(client, name)
    assert r.status_code == 303, r.text
    return client.get("/api/me").json()["csrf_token"]


def state(ledger):
    return ledger.store.audit_head(), {t: ledger.store.rows(t) for t in ("sources", "deals", "events")}


# --- 1. sign-ins --------------------------------------------------------------------------------

def test_wrong_passwords_lock_the_account_even_against_the_right_one(sec, make_client):
    from loopledger.web.limits import FailureThrottle

    clock = Clock()
    c = make_client(login_throttle=FailureThrottle(clock=clock))
    codes = [sign_in(c, "ed", f"wrong password {i}").status_code for i in range(100)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    r = sign_in(c, "ed")  # the right password, at once
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert c.get("/api/me").json()["user"] is None
    # other accounts from this address still work (the address allows 20 failures)
    assert sign_in(c, "eve").status_code == 303
    # once the lock runs out the right password works, and clears the account's failures
    clock.now += int(r.headers["Retry-After"]) + 1
    assert sign_in(c, "ed").status_code == 303


def test_failures_from_one_address_lock_that_address_only(sec, make_client):
    from loopledger.web import create_app
    from loopledger.web.limits import FailureThrottle

    app = create_app(ledger=sec.ledger, secret_key="k", login_throttle=FailureThrottle(clock=Clock()))
    attacker, other = make_client(app, client=("198.51.100.7", 1)), make_client(app, client=("198.51.100.8", 1))
    for i in range(20):  # a different account name each time: no account reaches its limit
        assert sign_in(attacker, f"guess{i}", "wrong password").status_code == 401
    assert sign_in(attacker, "ed").status_code == 429
    assert attacker.get("/api/me", headers=bearer(sec.tokens["ed"])).status_code == 429
    assert sign_in(other, "ed").status_code == 303


def test_failed_sign_ins_and_tokens_are_logged(sec, make_client, caplog):
    c = make_client()
    with caplog.at_level(logging.WARNING, logger="loopledger.web"):
        sign_in(c, "ed", "wrong password")
        c.get("/api/me", headers=bearer("ed:not-the-token"))
    text = caplog.text
    assert "sign-in failed for 'ed' from 203.0.113.1" in text
    assert "rejected API token for 'ed' from 203.0.113.1" in text
    assert "wrong password" not in text and "not-the-token" not in text  # never the secret


class _Count:
    """Counts the hash work done by loopledger.web.auth (SHA-256, scrypt with its cost, and
    digest comparisons)."""

    def __init__(self, monkeypatch):
        self.calls = []
        real_sha, real_scrypt, real_cmp = hashlib.sha256, hashlib.scrypt, hmac.compare_digest

        def sha256(*a, **k):
            self.calls.append("sha256")
            return real_sha(*a, **k)

        def scrypt(*a, **k):
            self.calls.append(("scrypt", k["n"], k["r"], k["p"]))
            return real_scrypt(*a, **k)

        def compare(a, b):
            self.calls.append("compare")
            return real_cmp(a, b)

        monkeypatch.setattr(auth, "hashlib", SimpleNamespace(sha256=sha256, scrypt=scrypt))
        monkeypatch.setattr(auth, "hmac", SimpleNamespace(compare_digest=compare))

    def take(self):
        out, self.calls = self.calls, []
        return out


def test_token_checks_do_the_same_work_whether_or_not_the_account_exists(sec, monkeypatch):
    auth._dummy_token_hash()  # made before counting, as on a running server
    store = sec.ledger.store
    auth.add_user(store, "tokenless", "editor", password=None, token=True)  # then its token is revoked:
    auth.disable_user(store, "tokenless")
    auth.enable_user(store, "tokenless")
    auth.add_user(store, "off", "editor", token=True)
    auth.disable_user(store, "off")
    count = _Count(monkeypatch)
    checker = auth.TokenChecker()
    work = {}
    for label, token in {"unknown account": "nobody:" + "x" * 43, "no token": "tokenless:" + "x" * 43,
                         "disabled": "off:" + "x" * 43, "wrong secret": "ed:" + "x" * 43,
                         "right secret": sec.tokens["ed"]}.items():
        result = checker.check(store, token)
        assert (result.user is not None) == (label == "right secret"), label
        work[label] = count.take()
    assert all(w == ["sha256", "compare"] for w in work.values()), work


def test_password_checks_do_the_same_work_whether_or_not_the_account_exists(sec, monkeypatch):
    store = sec.ledger.store
    auth._dummy_password_hash()
    auth.add_user(store, "bot", "editor", token=True)  # no password: token only
    auth.add_user(store, "gone", "editor", password="a perfectly fine password")
    auth.disable_user(store, "gone")
    count = _Count(monkeypatch)
    work = {}
    for label, name in {"unknown": "nobody", "token only": "bot", "disabled": "gone", "wrong": "ed"}.items():
        assert auth.authenticate_password(store, name, "not the password") is None
        work[label] = count.take()
    assert set(map(tuple, work.values())) == {(("scrypt", 2**17, 8, 1), "compare")}, work


@pytest.mark.parametrize("password,message", [
    ("", "blank"), ("          ", "blank"), ("short", "at least 8"), ("aaaaaaaaaaaa", "repeats"),
    ("abababababab", "repeats"), ("password123", "too common"), ("Password", "too common"),
    ("newcomer", "user name"), ("x" * 1025, "at most 1024"),
])
def test_passwords_that_are_blank_short_or_trivial_are_refused(sec, password, message):
    from loopledger import LedgerError

    with pytest.raises(LedgerError, match=message):
        auth.add_user(sec.ledger.store, "newcomer", "editor", password=password)
    assert sec.ledger.store.user("newcomer") is None


def test_tokens_expire(sec, make_client, cli):
    c = make_client()
    token = auth.add_user(sec.ledger.store, "bot", "editor", token=True, token_days=7)
    expires = auth.as_utc(sec.ledger.store.user("bot")["token_expires"])
    assert abs((expires - datetime.now(UTC)) - timedelta(days=7)) < timedelta(minutes=5)
    assert c.get("/api/me", headers=bearer(token)).json()["user"] == "bot"
    t = sec.ledger.store.tables["users"]
    with sec.ledger.store.engine.begin() as conn:
        conn.execute(sa.update(t).where(t.c.name == "bot").values(token_expires=datetime.now(UTC) - timedelta(seconds=1)))
    r = c.get("/api/me", headers=bearer(token))
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    # the default is 90 days; the CLI says how long
    other = auth.add_user(sec.ledger.store, "bot2", "editor", token=True)
    assert other and (auth.as_utc(sec.ledger.store.user("bot2")["token_expires"]) - datetime.now(UTC)).days in (89, 90)
    r = cli("user", "add", "bot3", "--no-password", "--token", "--token-days", "400", "--db", sec.url)
    assert r.code == 1 and "1 to 366 days" in r.err


def test_old_hashes_still_work_and_are_upgraded(sec, make_client):
    """Tokens stored as scrypt hashes and passwords hashed at the old cost (2^14) keep working;
    each is re-stored at the current strength on first use."""
    store = sec.ledger.store
    token = "old:" + secrets.token_urlsafe(32)
    store.put_user("old", "editor", hash_secret("an old long password", n=2**14), hash_secret(token, n=2**14), "test")
    c = make_client()
    assert c.get("/api/me", headers=bearer(token)).json()["user"] == "old"
    assert store.user("old")["token_hash"].startswith("sha256$")
    assert sign_in(c, "old", "an old long password").status_code == 303
    assert store.user("old")["password_hash"].split("$")[1] == str(2**17)
    assert c.get("/api/me", headers=bearer(token)).json()["user"] == "old"


# --- 2. sessions ---------------------------------------------------------------------------------

def _cookie(client):
    return {k: v for k, v in client.cookies.items()}


def test_signing_out_ends_copied_sessions_on_the_server(sec, make_client):
    from loopledger.web import create_app

    app = create_app(ledger=sec.ledger, secret_key="k")
    mine, thief, laptop = make_client(app), make_client(app), make_client(app)
    csrf = signed_in(mine, "ed")
    signed_in(laptop, "ed")
    for k, v in _cookie(mine).items():
        thief.cookies.set(k, v)
    assert thief.get("/api/me").json()["user"] == "ed"
    r = mine.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    for c in (thief, laptop, mine):
        assert c.get("/api/me").json()["user"] is None
    r = thief.post("/api/deals", json={}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 401
    # the account's API token is not a session: it keeps working
    assert thief.get("/api/me", headers=bearer(sec.tokens["ed"])).json()["user"] == "ed"


@pytest.mark.parametrize("change", ["password", "role", "disable"])
def test_password_role_change_and_disable_end_sessions_and_tokens(sec, make_client, cli, monkeypatch, change):
    import io

    c = make_client()
    signed_in(c, "ed")
    assert c.get("/api/me").json()["user"] == "ed"
    if change == "password":
        monkeypatch.setattr("sys.stdin", io.StringIO("a brand new passphrase\n"))
        r = cli("user", "add", "ed", "--role", "editor", "--db", sec.url)
    elif change == "role":
        r = cli("user", "add", "ed", "--role", "reader", "--no-password", "--db", sec.url)
    else:
        r = cli("user", "disable", "ed", "--db", sec.url)
    assert r.code == 0, r.err
    assert c.get("/api/me").json()["user"] is None
    assert c.get("/api/me", headers=bearer(sec.tokens["ed"])).status_code == 401
    audit = sec.ledger.store.audit(record_id="ed", table="users")[-1]
    assert audit["after"]["sessions_revoked"] is True and "hash" not in str(audit["after"])


def test_a_disabled_user_can_be_enabled_and_sign_in_again(sec, make_client, cli):
    c = make_client()
    assert cli("user", "disable", "eve", "--db", sec.url).code == 0
    assert sign_in(c, "eve").status_code == 401
    listed = {u["name"]: u for u in cli("user", "list", "--json", "--db", sec.url).json()}
    assert listed["eve"]["disabled"] is True and listed["eve"]["token"] is False
    r = cli("user", "enable", "eve", "--db", sec.url)
    assert r.code == 0, r.err
    assert sign_in(c, "eve").status_code == 303
    assert c.get("/api/me", headers=bearer(sec.tokens["eve"])).status_code == 401  # the token stays revoked
    assert cli("user", "disable", "nobody", "--db", sec.url).code == 1


def test_sessions_have_an_absolute_lifetime(sec, make_client, monkeypatch):
    import loopledger.web.site as site_module

    c = make_client()
    signed_in(c, "ed")
    real = site_module.time.time
    monkeypatch.setattr(site_module, "time", SimpleNamespace(time=lambda: real() + 6 * 24 * 3600))
    assert c.get("/api/me").json()["user"] == "ed"
    monkeypatch.setattr(site_module, "time", SimpleNamespace(time=lambda: real() + 8 * 24 * 3600))
    assert c.get("/api/me").json()["user"] is None


def test_secure_cookies(sec, make_client):
    c = make_client(base_url="https://testserver", secure_cookies=True)
    r = sign_in(c, "ed")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-loopledger_session=") and "secure" in cookie.lower()
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert r.headers["strict-transport-security"].startswith("max-age=")
    plain = make_client()
    assert "strict-transport-security" not in plain.get("/").headers


# --- 3. edits ------------------------------------------------------------------------------------

def _deal(client, deal_id):
    return client.get(f"/api/deals/{deal_id}").json()


def _patch(client, token, path, changes, version):
    return client.patch(path, headers=bearer(token), json={"changes": changes, "expected_version": version,
                                                           "source": SOURCE, "reason": "test"})


def test_an_amendment_touches_only_what_it_may(sec, make_client):
    c = make_client()
    ed = sec.tokens["ed"]
    deal = sec.ledger.records("deals")[0]
    other = sec.ledger.records("deals")[1]
    v = _deal(c, deal.id)["version"]
    event = next(e for e in sec.ledger.records("events") if e.deal == deal.id)
    before = state(sec.ledger)
    refused = [
        (f"/api/deals/{deal.id}", {"retracted": True}, "retracted"),
        (f"/api/deals/{deal.id}", {"retracted_reason": "no"}, "retracted_reason"),
        (f"/api/deals/{deal.id}", {"id": "another-id"}, "id"),
        (f"/api/deals/{deal.id}", {"sources": ["src-000000000000"]}, "sources"),
        (f"/api/deals/{deal.id}", {"sources": deal.sources[1:]}, "sources"),
        (f"/api/deals/{deal.id}", {"colour": "red"}, "colour"),
        (f"/api/deals/{deal.id}", {"notes": "ok", "retracted": False}, "retracted"),
        (f"/api/events/{event.id}", {"deal": other.id}, "deal"),
        (f"/api/events/{event.id}", {"retracted": True}, "retracted"),
    ]
    for path, changes, field in refused:
        version = v if path.startswith("/api/deals") else sec.ledger.version("events", event.id)
        r = _patch(c, ed, path, changes, version)
        assert r.status_code == 422, (changes, r.text)
        assert field in {e["field"] for e in r.json()["errors"]}, r.json()
    assert state(sec.ledger) == before
    # adding a source to the list is an amendment like any other
    src = sec.ledger.records("sources")[-1].id
    r = _patch(c, ed, f"/api/deals/{deal.id}", {"sources": [*deal.sources, src]}, v)
    assert r.status_code == 200, r.text
    assert sec.ledger.record("deals", deal.id).sources[:len(deal.sources) + 1] == [*deal.sources, src]


def test_a_retracted_deal_stays_retracted(sec, make_client):
    c = make_client()
    ed = sec.tokens["ed"]
    deal = sec.ledger.records("deals")[2]
    v = _deal(c, deal.id)["version"]
    r = c.post(f"/api/deals/{deal.id}/retract", headers=bearer(ed), json={"reason": "duplicate",
                                                                          "expected_version": v, "source": SOURCE})
    assert r.status_code == 200
    r = _patch(c, ed, f"/api/deals/{deal.id}", {"retracted": False, "retracted_reason": None}, v + 1)
    assert r.status_code == 422 and {"retracted", "retracted_reason"} <= {e["field"] for e in r.json()["errors"]}
    assert sec.ledger.store.row("deals", deal.id)["retracted"] is True


def test_a_new_announced_date_may_not_come_after_the_deals_events(sec, make_client):
    c = make_client()
    deal = sec.ledger.records("deals")[0]
    v = _deal(c, deal.id)["version"]
    r = _patch(c, sec.tokens["ed"], f"/api/deals/{deal.id}", {"announced": "2199-01-01"}, v)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "announced"


# --- 4, 5. hostile text and implausible numbers over HTTP --------------------------------------

def test_control_characters_get_a_422_on_both_backends(sec, make_client):
    """NUL is the known difference: SQLite would store it, PostgreSQL fail with a 500; both now
    get a 422 naming the field, and nothing is written."""
    c = make_client()
    deal = sec.ledger.records("deals")[0]
    v = _deal(c, deal.id)["version"]
    before = state(sec.ledger)
    for changes, field in (({"notes": "a\x00b"}, "notes"), ({"amount_note": "\x1b[2J"}, "amount_note"),
                           ({"payer_detail": "x" * 1001}, "payer_detail")):
        r = _patch(c, sec.tokens["ed"], f"/api/deals/{deal.id}", changes, v)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, r.text
    body = {"changes": {"notes": "fine"}, "expected_version": v, "source": SOURCE, "reason": "nul \x00 reason"}
    r = c.patch(f"/api/deals/{deal.id}", headers=bearer(sec.tokens["ed"]), json=body)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = c.post(f"/api/deals/{deal.id}/events", headers=bearer(sec.tokens["ed"]),
               json={"status": "funded", "date": "2026-11-21", "source": {**SOURCE, "publisher": "P\x00"}})
    assert r.status_code == 422
    assert state(sec.ledger) == before
    for path in ("/api/deals/a%00b", "/api/deals/a%00b/history", "/api/companies/a%00b"):
        r = c.get(path)
        assert r.status_code in (404, 422), (path, r.status_code, r.text)


def test_implausible_amounts_get_a_422_and_readers_keep_working(sec, make_client):
    c = make_client()
    ids = [d.id for d in sec.ledger.records("deals") if d.amount_high is not None][:2]
    for deal_id in ids:
        v = _deal(c, deal_id)["version"]
        r = _patch(c, sec.tokens["ed"], f"/api/deals/{deal_id}", {"amount_low": None, "amount_high": 1.7e308}, v)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "amount_high"
        r = _patch(c, sec.tokens["ed"], f"/api/deals/{deal_id}", {"amount_low": None, "amount_high": 10_000}, v)
        assert r.status_code == 200, r.text
    for path in ("/api/summary", "/api/network", "/api/headline", "/api/circulation", "/api/promises"):
        assert c.get(path).status_code == 200, path


# --- 6. headers and errors ---------------------------------------------------------------------

HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


def test_every_response_carries_the_security_headers(sec, make_client):
    c = make_client(max_body_bytes=1000)
    answers = [
        c.get("/"), c.get("/login"), c.get("/docs"), c.get("/openapi.json"), c.get("/api/summary"),
        c.get("/static/app.js"), c.get("/static/vendor/cytoscape.min.js"), c.get("/no-such-page"),
        c.get("/api/deals/no-such-deal"), c.get("/api/network", params={"as_of": "2025-02-30"}),
        c.get("/api/me", headers=bearer("ed:wrong")), c.put("/api/summary"),
        c.post("/api/deals", content=b"x" * 5000, headers={"Content-Type": "application/json"}),
        c.post("/api/deals", json={}), c.get("/healthz"),
    ]
    statuses = {r.status_code for r in answers}
    assert {200, 401, 404, 405, 413, 422} <= statuses
    for r in answers:
        for h in HEADERS:
            assert h in r.headers, (r.request.url, r.status_code, h)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_or_style(make_client):
    """What the CSP forbids is not in the pages (the browser test checks that nothing is
    blocked at run time)."""
    import re

    c = make_client()
    for path in ("/", "/login", "/docs"):
        html = c.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert " style=" not in html and "<style" not in html, path


def test_errors_name_nothing_inside_the_server(sec, make_client, monkeypatch):
    import loopledger.ledger.ledger as ledger_module

    def broken(*a, **k):
        raise RuntimeError(f"SELECT secret FROM users -- {ledger_module.__file__} {sec.url}")

    monkeypatch.setattr(ledger_module.Ledger, "summary", broken)
    c = make_client()
    r = c.get("/api/summary", params={"as_of": "2024-01-01"})
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error: the request was not applied", "errors": []}
    for word in ("SELECT", "secret", "Traceback", "/", "RuntimeError", "users"):
        assert word not in r.text
    for h in HEADERS:
        assert h in r.headers


# --- 7. views under load --------------------------------------------------------------------------

def test_uncached_views_are_rate_limited_per_client_and_cached_ones_are_not(sec, make_client):
    from loopledger.web import create_app

    app = create_app(ledger=sec.ledger, secret_key="k", view_rate=0.001, view_burst=3)
    greedy, other = make_client(app, client=("192.0.2.1", 1)), make_client(app, client=("192.0.2.2", 1))
    dates = ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    codes = [greedy.get("/api/summary", params={"as_of": d}).status_code for d in dates]
    assert codes == [200, 200, 200, 429, 429]
    r = greedy.get("/api/summary", params={"as_of": dates[4]})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    for _ in range(20):  # cached views stay free
        assert greedy.get("/api/summary", params={"as_of": dates[0]}).status_code == 200
    assert other.get("/api/summary", params={"as_of": dates[4]}).status_code == 200
    # now cached: the greedy client gets it too
    assert greedy.get("/api/summary", params={"as_of": dates[4]}).status_code == 200


# --- a real server: the serve options ------------------------------------------------------------

def _serve(sec, tmp_path, args):
    from loopledger.web.background import ServerProcess

    return ServerProcess(sec.url, env={"LOOPLEDGER_SECRET": "real-server"}, log=tmp_path / "server.log",
                         args=args)


def _real_sign_in(http, name, password, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    csrf = http.get("/api/me", headers=headers).json()["csrf_token"]
    return http.post("/login", data={"name": name, "password": password, "csrf_token": csrf},
                     headers=headers, follow_redirects=False)


def test_serve_behind_a_proxy_throttles_the_forwarded_address(sec, tmp_path):
    import httpx

    with _serve(sec, tmp_path, ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]) as server:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            r = http.get("/")
            assert "server" not in r.headers  # nothing names what runs the site
            assert all(h in r.headers for h in HEADERS)
            for i in range(20):
                assert _real_sign_in(http, f"guess{i}", "wrong password", "203.0.113.9").status_code == 401
            assert _real_sign_in(http, "ed", PASSWORD, "203.0.113.9").status_code == 429
            assert _real_sign_in(http, "ed", PASSWORD, "203.0.113.10").status_code == 303
        assert "sign-in failed for 'guess0' from 203.0.113.9" in (tmp_path / "server.log").read_text()


def test_serve_ignores_forwarded_addresses_unless_told(sec, tmp_path):
    import httpx

    with _serve(sec, tmp_path, []) as server:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for i in range(20):  # a new made-up address each time: it does not help
                assert _real_sign_in(http, f"guess{i}", "wrong password", f"198.51.100.{i}").status_code == 401
            assert _real_sign_in(http, "ed", PASSWORD, "198.51.100.99").status_code == 429
