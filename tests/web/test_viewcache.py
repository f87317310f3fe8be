"""Computed views served as bytes (loopledger.web.viewcache): ETag and 304, gzip, the
Cache-Control policy, invalidation by an edit, single-flight computations that never make
another view wait, and private answers kept per user."""

from __future__ import annotations

import gzip
import threading

import pytest
from fastapi.testclient import TestClient

from loopledger.web.viewcache import Encoded, Flights, accepts_gzip, etag_matches

from .test_editing import new_deal


def test_etag_and_304_round_trip_on_the_fast_and_the_ordinary_path(client):
    first = client.get("/api/network?as_of=2025-12-31")
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    # the same path and query string again: answered from the kept bytes
    again = client.get("/api/network?as_of=2025-12-31", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    # another spelling of the same view (YYYY-MM: the month's end) reaches the route, which
    # finds the view computed and answers 304 too
    other = client.get("/api/network?as_of=2025-12", headers={"If-None-Match": tag})
    assert other.status_code == 304 and other.headers["etag"] == tag
    # a tag that names something else gets the whole answer
    stale = client.get("/api/network?as_of=2025-12-31", headers={"If-None-Match": '"nope"'})
    assert stale.status_code == 200 and stale.content == first.content
    # security headers on the fast path's answers as well
    assert again.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in again.headers["content-security-policy"]


def test_gzip_body_equals_the_plain_body(client):
    plain = client.get("/api/network", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    for _ in range(2):  # the ordinary path, then the fast one
        zipped = client.get("/api/network", headers={"Accept-Encoding": "gzip, deflate"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert int(zipped.headers["content-length"]) < len(plain.content) / 3
        assert zipped.content == plain.content  # httpx decoded it
        assert zipped.headers["vary"] == "Accept-Encoding"
        assert zipped.headers["etag"] != plain.headers["etag"]  # two representations
    # the raw bytes sent are a gzip stream of the plain body
    with client.stream("GET", "/api/network", headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert gzip.decompress(raw) == plain.content
    refused = client.get("/api/network", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers and refused.content == plain.content


def test_an_edit_invalidates_every_cached_view(client, users, bearer):
    net = client.get("/api/network")
    cyc = client.get("/api/cycles")
    summ = client.get("/api/summary")
    for r in (net, cyc, summ):
        assert r.status_code == 200
    assert client.post("/api/deals", json=new_deal(), headers=bearer(users["ed"])).status_code == 201
    after = client.get("/api/network", headers={"If-None-Match": net.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != net.headers["etag"]
    assert after.json()["counts"]["edges"] == net.json()["counts"]["edges"] + 1
    assert "test-nvda-xai-1b" in {e["id"] for e in after.json()["edges"]}
    # and every other view was computed again (the new deal changes the summary's counts)
    assert client.get("/api/summary").json() != summ.json()


def test_computations_for_different_keys_run_together_while_a_cached_read_answers(app, monkeypatch):
    """Two views being computed (each held inside its builder by an Event) do not stop a
    third, already computed one from being answered, nor each other from starting."""
    import loopledger.web.routes.measures as measures

    real = measures.run_circulation
    started = [threading.Event(), threading.Event()]
    release = threading.Event()
    calls = []

    def slow_circulation(net, *args, **kwargs):
        calls.append(threading.get_ident())
        started[min(len(calls), 2) - 1].set()
        assert release.wait(30), "the builders were never released"
        return real(net, *args, **kwargs)

    monkeypatch.setattr(measures, "run_circulation", slow_circulation)
    with TestClient(app) as c:
        cached = c.get("/api/network")
        assert cached.status_code == 200
        out: dict[str, int] = {}

        def ask(date: str) -> None:
            out[date] = c.get(f"/api/circulation?as_of={date}").status_code

        threads = [threading.Thread(target=ask, args=(d,)) for d in ("2025-06-30", "2025-09-30")]
        for t in threads:
            t.start()
        # both computations are under way at once (no lock around computations)
        assert started[0].wait(30) and started[1].wait(30)
        # a cached view answers while both are held
        for headers in ({}, {"Accept-Encoding": "gzip"}):
            r = c.get("/api/network", headers=headers)
            assert r.status_code == 200 and r.content == cached.content
        # so does the ordinary path of a computed view (another spelling of it)
        assert c.get("/api/network?as_of=").status_code == 200
        assert not release.is_set() and all(t.is_alive() for t in threads)
        release.set()
        for t in threads:
            t.join(30)
        assert out == {"2025-06-30": 200, "2025-09-30": 200}
        assert len(calls) == 2


def test_one_computation_per_key_however_many_ask_at_once(app, monkeypatch):
    import loopledger.web.routes.measures as measures

    real = measures.run_circulation
    entered = threading.Event()
    release = threading.Event()
    calls = []

    def slow_circulation(net, *args, **kwargs):
        calls.append(1)
        entered.set()
        assert release.wait(30)
        return real(net, *args, **kwargs)

    monkeypatch.setattr(measures, "run_circulation", slow_circulation)
    with TestClient(app) as c:
        bodies: list[bytes] = []
        threads = [threading.Thread(target=lambda: bodies.append(c.get("/api/circulation?as_of=2025-06-30").content))
                   for _ in range(4)]
        threads[0].start()
        assert entered.wait(30)
        for t in threads[1:]:
            t.start()
        release.set()
        for t in threads:
            t.join(30)
    assert len(calls) == 1 and len(bodies) == 4 and len(set(bodies)) == 1


def test_private_answers_are_kept_per_user(ledger, users, bearer, monkeypatch):
    """On a private server each user's views are computed and kept for that user only, and
    say so to caches (private, varying on the credentials)."""
    import loopledger.web.routes.measures as measures
    from loopledger.web import create_app

    real = measures.run_circulation
    calls: list[int] = []

    def counted(net, *args, **kwargs):
        calls.append(1)
        return real(net, *args, **kwargs)

    monkeypatch.setattr(measures, "run_circulation", counted)
    with TestClient(create_app(ledger=ledger, private=True, secret_key="s")) as c:
        assert c.get("/api/circulation").status_code == 401
        ed = [c.get("/api/circulation", headers=bearer(users["ed"])) for _ in range(2)]
        assert [r.status_code for r in ed] == [200, 200] and len(calls) == 1
        rita = c.get("/api/circulation", headers=bearer(users["rita"]))
        assert rita.status_code == 200 and len(calls) == 2  # not ed's kept answer
        assert c.get("/api/circulation", headers=bearer(users["rita"])).status_code == 200
        assert len(calls) == 2
        for r in (*ed, rita):
            assert r.headers["cache-control"] == "private, no-cache"
            assert "Authorization" in r.headers["vary"] and "Cookie" in r.headers["vary"]
        # no answer without credentials, even for a path others had answered
        assert c.get("/api/circulation").status_code == 401


def test_accept_encoding_and_if_none_match_parsing():
    assert accepts_gzip("gzip") and accepts_gzip("br, gzip;q=0.5") and accepts_gzip("*")
    assert not accepts_gzip("") and not accepts_gzip("gzip;q=0") and not accepts_gzip("br, deflate")
    assert not accepts_gzip("gzip;q=zero")
    e = Encoded.of(b'{"a":' + b"1" * 2000 + b"}")
    assert e.gzipped is not None and gzip.decompress(e.gzipped) == e.body
    assert etag_matches(e.etag, e) and etag_matches(f'"x", W/{e.gzip_etag}', e) and etag_matches("*", e)
    assert not etag_matches('"x"', e) and not etag_matches("", e)
    small = Encoded.of(b"{}")
    assert small.gzipped is None
    assert Encoded.of(b"{}").etag == small.etag != e.etag  # a hash of the bytes


def test_flights_keep_values_up_to_their_size_and_forget_failures():
    f = Flights(size=2)
    assert f.get("a", lambda: 1) == 1 and f.get("a", lambda: 2) == 1
    f.get("b", lambda: 2)
    f.get("c", lambda: 3)
    assert f.peek("a") is None and len(f) == 2
    with pytest.raises(ValueError):
        f.get("d", lambda: (_ for _ in ()).throw(ValueError("no")))
    assert f.get("d", lambda: 4) == 4  # a failure is not kept
    refused: list[str] = []

    def refuse():
        refused.append("x")
        raise PermissionError("limit")

    with pytest.raises(PermissionError):
        f.get("e", lambda: 5, before=refuse)
    assert f.get("c", lambda: 9, before=refuse) == 3 and refused == ["x"]  # kept: not charged
