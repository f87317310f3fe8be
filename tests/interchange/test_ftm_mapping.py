"""Deal legs -> FtM schemas (docs/interchange.md 1.2), checked against the table as the page
writes it, transcribed here by hand; and read back in reverse (docs/interchange.md 2). What a
leg becomes is read from its fields (kind, consideration, status, overlap), never from its
notes: the notes below say "all-stock" and "deposit" at random and must change nothing."""

from __future__ import annotations

import io
import json
import sys

import pytest
from followthemoney import model as ftm_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger import Ledger
from loopledger.interchange.ftm import entities, import_entities
from loopledger.ledger.model import DealKind

STATUSES = ["rumored", "announced_loi", "definitive", "funded_partial", "funded", "cancelled_stalled"]
CONSIDERATIONS = [None, "cash", "stock", "in_kind", "mixed"]
NOTES = [None, "all-stock", "deposit", "cash deposit, all-stock", "no cash"]

# -- the table of docs/interchange.md 1.2, rows tried in order -----------------------------------

CONTRACT_KINDS = {"compute_purchase", "cloud_contract", "licensing"}


def expected_entities(kind, status, overlap, consideration, has_amount):
    """(schema of the main entity, schemas of the helpers) the table gives a leg."""
    paid_flow = overlap == "realized_spend" or (kind in ("revenue_share", "deposit") and status == "funded")
    if kind in CONTRACT_KINDS and not paid_flow:
        return "ContractAward", ["Contract"]
    if kind == "equity_investment":
        return "Ownership", []
    if kind == "acquisition":  # a Payment once paid, unless no money changed hands
        money = consideration not in ("stock", "in_kind")
        return "Ownership", ["Payment"] if status == "funded" and money and has_amount else []
    if kind in ("lease", "loan_debt_spv"):
        return "Debt", []
    if kind == "warrant_or_equity_grant":
        return "Ownership", ["Security"]
    if paid_flow:
        return "Payment", []
    return "UnknownLink", []


def expected_ends(kind, schema):
    """The main entity's edge ends as (property naming the payer, property naming the payee);
    None where a helper names the party (a contract's authority, a security's issuer)."""
    return {
        "ContractAward": (None, "supplier"),
        "Ownership": (None, "owner") if kind == "warrant_or_equity_grant" else ("owner", "asset"),
        "Debt": ("debtor", "creditor") if kind == "lease" else ("creditor", "debtor"),
        "Payment": ("payer", "beneficiary"),
        "UnknownLink": ("subject", "object"),
    }[schema]


# -- small ledgers ---------------------------------------------------------------------------------

def one_deal_ledger(deals):
    """A ledger with companies a, b, c, one source and the given deals, each with one event
    (``status``)."""
    url = "https://example.org/story"
    companies = [dict(id=c, name=c.upper() + " Corp", type="other") for c in ("a", "b", "c")]
    rows, events = [], []
    for i, d in enumerate(deals):
        d = dict(d)
        status = d.pop("status")
        rows.append(dict(dict(id=f"d{i}", group=f"g{i}", announced="2025-03", payer="a", payee="b",
                              confidence="high", sources=["s1"]), **d))
        events.append(dict(id=f"d{i}/1", deal=f"d{i}", date="2025-04", status=status, sources=["s1"]))
    ledger = Ledger.in_memory()
    ledger.add({"sources": [dict(id="s1", url=url, publisher="Example", type="news")],
                "companies": companies, "deals": rows, "events": events},
               actor="test", reason="mapping test")
    return ledger


def by_deal(ledger):
    """deal id -> its entities as dicts, each checked by followthemoney (ids here have no
    dash, so ``ll-deal-d3-contract`` belongs to d3)."""
    out: dict[str, list[dict]] = {}
    for e in entities(ledger):
        data = e.to_dict()
        ftm_model.get(data["schema"]).validate(data)
        if data["id"].startswith("ll-deal-"):
            out.setdefault(data["id"].removeprefix("ll-deal-").split("-")[0], []).append(data)
    return out


LEG = st.fixed_dictionaries({
    "kind": st.sampled_from([k.value for k in DealKind]),
    "status": st.sampled_from(STATUSES),
    "overlap": st.sampled_from([None, "companion", "realized_spend"]),
    "consideration": st.sampled_from(CONSIDERATIONS),
    "amount_high": st.none() | st.floats(0.001, 500, allow_nan=False),
    "amount_note": st.sampled_from(NOTES),
    "notes": st.sampled_from(NOTES),
})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LEG, min_size=1, max_size=8))
def test_each_leg_is_written_as_the_table_says(legs):
    ledger = one_deal_ledger(legs)
    written = by_deal(ledger)
    for i, leg in enumerate(legs):
        main_schema, helpers = expected_entities(leg["kind"], leg["status"], leg["overlap"],
                                                 leg["consideration"], leg["amount_high"] is not None)
        ents = {e["id"]: e for e in written[f"d{i}"]}
        main = ents.pop(f"ll-deal-d{i}")
        assert main["schema"] == main_schema, leg
        assert sorted(e["schema"] for e in ents.values()) == sorted(helpers), leg
        payer_prop, payee_prop = expected_ends(leg["kind"], main_schema)
        props = main["properties"]
        assert props[payee_prop] == ["ll-co-b"], leg
        if payer_prop:
            assert props[payer_prop] == ["ll-co-a"], leg
        else:  # the helper names the payer
            helper = next(e for e in ents.values() if e["schema"] in ("Contract", "Security"))
            assert helper["properties"]["authority" if helper["schema"] == "Contract" else "issuer"] == ["ll-co-a"]
        if main_schema == "Payment":
            assert props["purpose"] == [leg["kind"]]


def test_an_all_stock_acquisition_marked_by_consideration_exports_no_payment():
    ledger = one_deal_ledger([
        dict(kind="acquisition", status="funded", amount_low=9, amount_high=9, consideration="stock",
             amount_note="0.12 shares per share"),
        dict(kind="acquisition", status="funded", amount_low=2, amount_high=2, consideration="cash",
             amount_note="all-stock was considered, then cash"),
        dict(kind="acquisition", status="funded", amount_low=2, amount_high=2, consideration="in_kind"),
        dict(kind="acquisition", status="funded", amount_low=3, amount_high=3),  # the kind's usual form: cash
        dict(kind="acquisition", status="definitive", amount_low=3, amount_high=3, consideration="cash"),
    ])
    written = by_deal(ledger)
    payments = {d: [e for e in ents if e["schema"] == "Payment"] for d, ents in written.items()}
    assert [d for d, p in sorted(payments.items()) if p] == ["d1", "d3"]
    assert payments["d1"][0]["properties"]["amount"] == ["2000000000"]
    assert payments["d1"][0]["properties"]["payer"] == ["ll-co-a"]
    assert payments["d1"][0]["properties"]["beneficiary"] == ["ll-co-b"]


def test_bundled_acquisitions_pay_unless_their_consideration_is_stock(bundled):
    ents = [e.to_dict() for e in entities(bundled)]
    with_payment = {e["properties"]["recordId"][0] for e in ents if e["id"].endswith("-payment")}
    status = bundled.status_table().set_index("deal")["status"]
    acquisitions = [d for d in bundled.records("deals") if d.kind == "acquisition"]
    expected = {d.id for d in acquisitions if status.get(d.id) == "funded"
                and d.consideration not in ("stock", "in_kind")
                and (d.amount_high is not None or d.amount_low is not None)}
    assert with_payment == expected
    assert "spacex-xai-acquisition" not in with_payment  # funded, paid in shares
    assert {d.id for d in acquisitions if d.consideration == "stock" and status.get(d.id) == "funded"}


def test_a_deposit_deal_exports_as_a_paid_flow_and_a_note_saying_deposit_does_not():
    ledger = one_deal_ledger([
        dict(kind="deposit", status="funded", amount_low=0.15, amount_high=0.15),
        dict(kind="deposit", status="definitive", amount_low=0.15, amount_high=0.15),
        dict(kind="other", status="funded", amount_low=0.15, amount_high=0.15, amount_note="deposit"),
    ])
    written = by_deal(ledger)
    assert [[e["schema"] for e in written[d]] for d in ("d0", "d1", "d2")] == [
        ["Payment"], ["UnknownLink"], ["UnknownLink"]]
    paid = written["d0"][0]["properties"]
    assert (paid["payer"], paid["beneficiary"], paid["purpose"], paid["amount"]) == (
        ["ll-co-a"], ["ll-co-b"], ["deposit"], ["150000000"])
    assert paid["summary"][0].endswith("status: funded")


def test_bundled_deposits_are_payments_once_paid(bundled):
    deposits = [d.id for d in bundled.records("deals") if d.kind == "deposit"]
    assert any(bundled.status_of(d) == "funded" for d in deposits)
    schemas = {e.id: e.schema.name for e in entities(bundled)}
    for d in deposits:
        assert schemas[f"ll-deal-{d}"] == ("Payment" if bundled.status_of(d) == "funded" else "UnknownLink"), d


# -- the table in reverse ------------------------------------------------------------------------

def _import_text(text, **kw):
    copy = Ledger.in_memory()
    stdin = sys.stdin
    try:
        sys.stdin = io.StringIO(text)
        import_entities(copy, "-", **kw)
    finally:
        sys.stdin = stdin
    return copy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LEG, min_size=1, max_size=6), st.sampled_from(["definitive", "announced_loi"]))
def test_foreign_legs_read_back_as_the_table_in_reverse(legs, default_status):
    """Strip the deals' loopledger: blocks, so the importer reads them as any FtM stream:
    every leg comes back with its kind, parties, amount and status, except a lease, which
    FtM's Debt cannot tell from a loan (lender -> borrower: the lessor pays the lessee)."""
    ledger = one_deal_ledger(legs)
    lines = []
    for e in entities(ledger):
        data = e.to_dict()
        if "recordId" in data["properties"]:
            data["properties"].pop("description", None)
        lines.append(json.dumps(data))
    copy = _import_text("\n".join(lines) + "\n", default_status=default_status)
    back = copy.deals(as_of="2026-01-01").set_index("id")
    assert len(back) == len(legs)
    for i, leg in enumerate(legs):
        got = back.loc[f"ftm-ll-deal-d{i}"]
        main_schema, _ = expected_entities(leg["kind"], leg["status"], leg["overlap"],
                                           leg["consideration"], leg["amount_high"] is not None)
        if leg["kind"] == "lease":
            assert (got.kind, got.payer, got.payee) == ("loan_debt_spv", "b", "a")
        else:
            assert (got.kind, got.payer, got.payee) == (leg["kind"], "a", "b"), leg
        status = {"Payment": "funded", "Debt": default_status}.get(main_schema, leg["status"])
        assert got.status == status, leg
        if main_schema == "UnknownLink" or leg["amount_high"] is None:
            assert got.amount_high != got.amount_high  # no amount property: NaN, never 0
        else:
            # the export writes whole cents: at most half a cent off (5e-12 bn), plus float error
            assert abs(got.amount_high - leg["amount_high"]) <= 0.005e-9 + 1e-14 * leg["amount_high"]


# -- names ---------------------------------------------------------------------------------------

def test_public_names_of_the_former_module_still_import_and_private_ones_name_their_new_place():
    import loopledger.interchange.ftm as ftm

    for name in ("BLOCK_HEAD", "ImportCounts", "company_entity_id", "deal_entity_id", "decode_block",
                 "encode_block", "entities", "import_entities", "source_entity_id", "statements",
                 "write_entities", "write_statements", "CONTRACT_KINDS", "DEAL_SCHEMAS",
                 "PART_SCHEMAS", "DECIMAL_PROPS", "entity_id"):
        assert callable(getattr(ftm, name)) or getattr(ftm, name), name
    assert ftm.CONTRACT_KINDS == ("compute_purchase", "cloud_contract", "licensing")
    assert ftm.PART_SCHEMAS == ("Contract", "Security")
    with pytest.raises(ImportError, match=r"_slug has moved: use loopledger\.interchange\.common\.slug"):
        from loopledger.interchange.ftm import _slug  # noqa: F401
    with pytest.raises(ImportError, match=r"stream_export\.build"):
        ftm._build  # noqa: B018
    assert not hasattr(ftm, "no_such_name")
