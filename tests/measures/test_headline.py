"""The headline: on a hand example (docs/methods.md 2.3 (a)) every number is known in advance; on the
bundled data it agrees with the summary, the look-through hand arithmetic and the trace."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from loopledger.errors import LedgerError
from loopledger.ledger import Ledger
from loopledger.ledger.model import STATUSES
from loopledger.measures.headline import measure

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).with_name("_tiny.py"))
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)


def _hand_ledger():
    # docs/methods.md 2.3 (a): A->B 10, B->C 6, C->A 8, A->C 3, all signed; plus an LOI C->B 50
    legs = [("a", "b", 10), ("b", "c", 6), ("c", "a", 8), ("a", "c", 3)]
    deals = [dict(id=f"{p}-{q}", payer=p, payee=q, kind="compute_purchase", status="definitive",
                  date="2025-01-01", amount_low=x, amount_high=x) for p, q, x in legs]
    deals.append(dict(id="c-b-loi", payer="c", payee="b", kind="compute_purchase", status="announced_loi",
                      date="2025-01-02", amount_low=50, amount_high=50))
    return _tiny.tiny_ledger(deals)


def test_hand_example_numbers():
    h = measure(_hand_ledger(), as_of="2025-06-30", explain=True)
    # the maximum circulation is 22 of 27 (6 round the triangle = 18, 2 each way on A-C = 4)
    assert h.circulation["total"] == pytest.approx(22)
    assert h.circulation["flow_total"] == pytest.approx(27)
    assert h.circulation["share"] == pytest.approx(22 / 27)
    # two simple cycles: a->b->c (bottleneck min(10, 6, 8) = 6) and a<->c (min(3, 8) = 3); the LOI
    # C->B is not binding, so no b<->c loop
    assert h.cycles["count"] == 2
    assert [tuple(n) for n in h.top_cycles["nodes"]] == [("a", "b", "c"), ("a", "c")]
    assert list(h.top_cycles["bottleneck"]) == pytest.approx([6, 3])
    # unique optimum: A 8 of 8 back, C 8 of 9, B 6 of 10
    rt = h.round_trip.set_index("node")["round_trip_share"]
    assert list(rt.index) == ["a", "c", "b"]
    assert list(rt) == pytest.approx([1.0, 8 / 9, 0.6])
    assert h.promises["by_status"]["announced_loi"]["high"] == pytest.approx(50)
    assert h.promises["by_status"]["definitive"]["high"] == pytest.approx(27)
    assert h.lookthrough is None and h.derived_share == 0.0
    # the trace names every circulating pair's deals and their source
    pairs = {(f["payer"], f["payee"]): f for f in h.trace["circulation"]}
    assert set(pairs) == {("A", "B"), ("B", "C"), ("C", "A"), ("A", "C")}
    assert pairs[("A", "C")]["circulating"] == pytest.approx(2)
    assert all(d["sources"] == [_tiny.URL] for f in pairs.values() for d in f["deals"])
    assert [h_["deals"][0]["deal"] for h_ in h.trace["top_cycles"][0]["hops"]] == ["a-b", "b-c", "c-a"]
    assert [d["deal"] for d in h.trace["promises"]["announced_loi"]] == ["c-b-loi"]
    frame = h.to_frame().set_index("measure")["value"]
    # one base: the 27 signed dollars; the circular share is a share of it
    assert list(frame.index[:3]) == ["base of every share", "cash actually paid", "circular share"]
    assert frame["base of every share"] == pytest.approx(27)
    assert frame["circular share"] == pytest.approx(h.circulation["total"] / 27)


def _plain_totals(deals, status):
    """The by-status rule written out over raw deal rows: counted legs, high = stated high else
    the stated low, low = stated lows (no overlaps among these legs), nothing for no amount."""
    rows = [r for r in deals if r["status"] == status and r["include_in_totals"]]
    high = sum((r["amount_high"] if r["amount_high"] == r["amount_high"] else r["amount_low"])
               for r in rows if r["amount_high"] == r["amount_high"] or r["amount_low"] == r["amount_low"])
    return len(rows), high


def test_bundled_headline(bundled):
    h = measure(bundled, as_of="2025-12-31", explain=True)
    deals = bundled.deals(as_of="2025-12-31").to_dict(orient="records")
    for status in STATUSES:
        count, high = _plain_totals(deals, status)
        assert h.promises["by_status"][status]["count"] == count
        assert h.promises["by_status"][status]["high"] == pytest.approx(high, abs=1e-6)
    assert 0 < h.circulation["share"] <= 1
    assert len(h.top_cycles) <= 10
    b = list(h.top_cycles["bottleneck"])
    assert b == sorted(b, reverse=True)
    assert all(len(set(n)) == len(n) for n in h.top_cycles["nodes"])
    # look-through: the best estimate is the pre-tax pickup over the stake held in 2025-Q3
    # (32.5 %): 4.1 / 0.325 = 12.615; the range runs from the after-tax hit grossed up at 21 %,
    # (3.1 - 0.05) / 0.79 / 0.325 = 11.879, to the pre-tax loss (4.1 + 0.05) / 0.325 = 12.769; the
    # press convention (3.1 / 0.27) is a row of the table, not part of the range
    lt = h.lookthrough
    assert (lt["investor"], lt["investee"], lt["period"]) == ("microsoft", "openai", "2025-Q3")
    assert lt["estimate"] == pytest.approx(4.1 / 0.325) and lt["estimate_cell"]["row"] == "pre_tax"
    assert lt["low"] == pytest.approx(3.05 / 0.79 / 0.325) and lt["high"] == pytest.approx(4.15 / 0.325)
    # every traced deal has an http(s) source
    for c in h.trace["top_cycles"]:
        assert c["hops"] and all(hop["deals"] for hop in c["hops"])
        for hop in c["hops"]:
            assert all(src.startswith("http") for d in hop["deals"] for src in d["sources"])
    assert any("sec.gov" in u for i in h.trace["lookthrough"] for u in i["sources"])
    import json

    json.dumps(h.to_dict())


def test_cli_measure(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    r = cli("measure", "--db", url)
    assert r.code == 1 and "loopledger init" in r.err
    Ledger.open(url).init()
    r = cli("measure", "--db", url, "--as-of", "2025-12-31", "--json")
    assert r.code == 0, r.err
    out = r.json()
    assert {"circulation", "top_cycles", "round_trip", "promises", "lookthrough"} <= set(out)
    assert out["lookthrough"]["period"] == "2025-Q3"
    r = cli("measure", "--db", url, "--as-of", "2025-12-31", "--explain")
    assert r.code == 0, r.err
    assert "as of 2025-12-31" in r.out and "Where each number comes from" in r.out and "https://" in r.out
    assert "USD billions" in r.out


def test_empty_ledger_is_an_error():
    with pytest.raises(LedgerError, match="init"):
        measure(Ledger.in_memory())


def test_one_name_means_one_thing():
    # the headline function and the measures package have different names, whatever was
    # imported first; the old package path gives an error naming the new one
    import inspect

    import loopledger
    import loopledger.measures.cycles  # noqa: F401

    assert inspect.isfunction(loopledger.measure) and inspect.ismodule(loopledger.measures)
    assert "as_of" in inspect.signature(loopledger.measure).parameters
    h = loopledger.measure(_hand_ledger(), as_of="2025-06-30")
    assert h.circulation["total"] == pytest.approx(22)
    with pytest.raises(ModuleNotFoundError, match="renamed: import loopledger.measures"):
        import loopledger.measure.cycles  # noqa: F401
