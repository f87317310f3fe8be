"""The headline adds up (issue 14 Build 3): one base for every share, recounted from the raw deal
rows; the cash paid recounted from the payment records; the hint where a loop is small because
letters of intent are left out, on a hand-worked ledger and on the bundled flagship loop; the
findings built from those numbers; the layers kept (the measures never import the stress
engine); ``measure --explain`` short, grouped and within 100 columns."""

from __future__ import annotations

import ast
import datetime
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from loopledger.findings import headline
from loopledger.ledger.view import View
from loopledger.measures.headline import base_of, largest_player, measure
from loopledger.vocabulary import BINDING_STATUSES, moves_cash

_spec = importlib.util.spec_from_file_location("_tiny", Path(__file__).with_name("_tiny.py"))
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)

SRC = Path(__file__).resolve().parents[2] / "src" / "loopledger"


def _raw_base(ledger, day: str):
    """The base recounted from the raw deal rows: counted, binding, moving cash (kind and
    consideration), high end else the stated low, legs without any amount left out."""
    d = ledger.deals(as_of=day)
    cash = np.array([moves_cash(k, c if isinstance(c, str) else None) for k, c in zip(d["kind"], d["consideration"])],
                    dtype=bool)
    rows = d[d["include_in_totals"].astype(bool) & d["status"].isin(BINDING_STATUSES) & cash]
    amount = rows["amount_high"].where(rows["amount_high"].notna(), rows["amount_low"])
    return rows[amount.notna()].assign(amount=amount[amount.notna()])


@pytest.mark.parametrize("day", ["2025-12-31", "2026-06-30"])
def test_one_base_recounted_from_the_deals(bundled, day):
    rows = _raw_base(bundled, day)
    b = base_of(bundled, View.of(as_of=day))
    assert b["binding"] == pytest.approx(float(rows["amount"].sum()))
    assert b["legs"] == len(rows)
    for status, part in b["by_status"].items():
        assert part["amount"] == pytest.approx(float(rows.loc[rows["status"] == status, "amount"].sum()))
    assert sum(p["amount"] for p in b["by_status"].values()) == pytest.approx(b["binding"])
    paid = bundled.paid(as_of=datetime.date.fromisoformat(day))
    recorded = [paid[i] for i in rows["id"] if i in paid and paid[i] == paid[i]]
    assert b["paid"] == pytest.approx(sum(recorded)) and b["paid_legs"] == len(recorded)
    assert 0 < b["paid"] < b["binding"]
    h = measure(bundled, as_of=day, significance_samples=0)
    # the circular share is a share of that base, and nothing else
    assert h.circulation["flow_total"] == pytest.approx(b["binding"])
    assert h.circulation["share"] == pytest.approx(h.circulation["total"] / b["binding"])


def _hint_ledger():
    # a -> b 0.1 signed and 100 in a letter of intent; b -> c 40 and c -> a 30 signed: the loop
    # carries 0.1 in the binding view and min(100.1, 40, 30) = 30 with the letter counted, its
    # bottleneck then the c -> a hop; the a -> c -> a loop (5 and 30) is not held back by a letter
    deals = [("a", "b", 0.1, "definitive"), ("a", "b", 100, "announced_loi"), ("b", "c", 40, "definitive"),
             ("c", "a", 30, "definitive"), ("a", "c", 5, "definitive")]
    return _tiny.tiny_ledger([dict(id=f"{p}-{q}-{s}", payer=p, payee=q, kind="compute_purchase", status=s,
                                   date="2025-01-01", amount_low=x, amount_high=x) for p, q, x, s in deals])


def test_hint_on_a_hand_worked_ledger():
    h = measure(_hint_ledger(), as_of="2025-06-30", significance_samples=0)
    assert len(h.hints) == 1
    x = h.hints[0]
    assert x["nodes"] == ["a", "b", "c"] and x["bottleneck"] == pytest.approx(0.1)
    assert x["with_added"] == pytest.approx(30.0)
    assert x["hop"] == {"payer": "a", "payee": "b", "amount": pytest.approx(0.1),
                        "amount_with_added": pytest.approx(100.1), "deals": ["a-b-announced_loi"]}
    assert x["bottleneck_with_added"]["payer"] == "c" and x["bottleneck_with_added"]["payee"] == "a"
    assert "letters of intent are left out" in x["text"] and "$30.0 bn" in x["text"]
    assert x["text"] in h.findings
    # counting letters of intent already: nothing to hint
    wide = View.of(as_of="2025-06-30", statuses=(*BINDING_STATUSES, "announced_loi"))
    assert measure(_hint_ledger(), view=wide, significance_samples=0).hints == ()


def test_flagship_hint_on_the_bundled_data(bundled):
    # at the end of 2025 Nvidia -> OpenAI held $0.1 bn signed and a $100 bn letter of intent
    day = "2025-12-31"
    h = measure(bundled, as_of=day, significance_samples=0)
    flag = [x for x in h.hints if x["nodes"] == ["nvidia", "openai", "oracle"]]
    assert flag, h.hints
    x = flag[0]
    # the oracle: per hop, the raw deal rows of the wider view, summed; the loop's bottleneck
    d = bundled.deals(as_of=day)
    d = d[d["include_in_totals"].astype(bool) & d["status"].isin((*BINDING_STATUSES, "announced_loi"))]
    amount = d["amount_high"].where(d["amount_high"].notna(), d["amount_low"])
    hops = [("nvidia", "openai"), ("openai", "oracle"), ("oracle", "nvidia")]
    narrow = [amount[(d["payer"] == a) & (d["payee"] == b) & d["status"].isin(BINDING_STATUSES)].sum() for a, b in hops]
    wide = [amount[(d["payer"] == a) & (d["payee"] == b)].sum() for a, b in hops]
    assert x["bottleneck"] == pytest.approx(min(narrow)) and x["with_added"] == pytest.approx(min(wide))
    assert x["with_added"] >= 2 * x["bottleneck"]
    assert x["hop"]["payer"] == "nvidia" and "nvda-openai-loi-100b" in x["hop"]["deals"]


def test_findings_say_the_numbers(bundled):
    day = "2025-12-31"
    h = headline(bundled, as_of=day, significance_samples=200)
    b, c, sig, st = h.basis, h.circulation, h.significance, h.stress
    text = h.paragraph
    assert f"${b['binding']:,.0f} bn" in text and f"${b['paid']:,.1f} bn" in text
    assert f"{100 * c['share']:.1f}%" in text
    assert f"p = {sig['p']:.2f}" in text and sig["samples"] == 200
    assert ("not clearly more than chance" in text) == (sig["p"] >= 0.05)
    # the largest player: the most base dollars paid and received, recounted from the raw rows
    rows = _raw_base(bundled, day)
    volume = rows.groupby("payer")["amount"].sum().add(rows.groupby("payee")["amount"].sum(), fill_value=0)
    assert st["company"] == largest_player(bundled, View.of(as_of=day)) == volume.idxmax()
    assert st["volume"] == pytest.approx(volume.max())
    assert st["loss_economic"] <= st["loss_gross"] + 1e-9
    assert sum(st["components"].values()) == pytest.approx(st["loss_economic"], rel=1e-6, abs=1e-6)
    assert st["sentence"] and st["sentence"] in text and st["name"] in text
    assert h.counting == View.of(as_of=day).counting() and h.to_dict()["counting"] == h.counting
    assert headline(bundled, as_of=day, significance_samples=0, stress_company="none").stress is None


def _imports(path: Path) -> set[str]:
    """Every module a file imports, as absolute loopledger names."""
    rel = path.relative_to(SRC.parent).with_suffix("").parts
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(rel[: len(rel) - node.level])
                out.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_measures_do_not_import_the_stress_engine():
    for path in sorted((SRC / "measures").glob("*.py")):
        bad = {m for m in _imports(path) if m.startswith("loopledger.stresstest")}
        assert not bad, f"{path.name} imports {bad}"
    below = {m for m in _imports(SRC / "findings.py") if m.startswith("loopledger.")}
    assert not any(m.startswith(("loopledger.report", "loopledger.web", "loopledger.cli")) for m in below)
    users = [p for p in SRC.rglob("*.py") if "loopledger.findings" in _imports(p)]
    assert users and all(p.relative_to(SRC).parts[0] in ("report", "web", "cli", "api.py") for p in users)


def test_measure_explain_is_short_grouped_and_fits(cli, tmp_path, monkeypatch):
    from loopledger.ledger import Ledger

    monkeypatch.setenv("COLUMNS", "100")
    url = f"sqlite:///{tmp_path / 'm.db'}"
    Ledger.open(url).init()
    r = cli("measure", "--db", url, "--as-of", "2026-06-30", "--explain")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) < 150, len(lines)
    # prose and tables fit 100 columns; only lines holding a URL run past (never wrapped)
    assert max(len(x.rstrip()) for x in lines if "http" not in x) <= 100
    start = lines.index(next(x for x in lines if x.startswith("Sources of the")))
    src = [x for x in lines[start + 1:] if x.startswith("  ") and ": " in x and "http" in x]
    ids = [x.split(":")[0].strip() for x in src]
    assert ids and len(ids) == len(set(ids))  # each deal once
    # every URL is whole on its line: it starts with http and runs to the end of the line
    for x in src:
        url_part = x[x.index("http"):]
        assert " " not in url_part.strip()
    # each number once, in order, with its counting line
    heads = [x[:2] for x in lines if x[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert heads == ["1.", "2.", "3.", "4.", "5."]
    assert sum(x.startswith("Counting:") for x in lines) >= 3
