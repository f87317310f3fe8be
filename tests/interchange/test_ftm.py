"""FollowTheMoney: the export validates with the followthemoney package itself, imports back to
the same records (bundled data and random ledgers), and bad or foreign streams are handled as
docs/interchange.md 2 says: every problem with file, line and property, all or nothing, skipped
schemas counted, no status guessed."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from followthemoney import model as ftm_model
from followthemoney.statement import read_statements
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopledger import Ledger, ValidationError
from loopledger.interchange import export_format, import_format
from loopledger.interchange.ftm import (
    deal_entity_id,
    decode_block,
    encode_block,
    entities,
    import_entities,
    write_entities,
    write_statements,
)
from loopledger.ledger.model import CompanyType, Consideration, DealKind, SourceType

TABLES = ("sources", "companies", "deals", "events")


@pytest.fixture(scope="module")
def stream(tmp_path_factory, bundled):
    path = tmp_path_factory.mktemp("ftm") / "bundled.ftm.json"
    write_entities(bundled, path)
    return path


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _dump(ledger, table):
    return [r.model_dump() for r in ledger.records(table)]


def test_every_entity_passes_followthemoney_checks(stream):
    data = _lines(stream)
    ids = [d["id"] for d in data]
    assert len(ids) == len(set(ids))
    for d in data:
        schema = ftm_model.get(d["schema"])
        assert schema is not None, d["schema"]
        assert set(d["properties"]) <= set(schema.properties), d
        schema.validate(d)  # raises InvalidData on a bad value or a missing required property
        # get_proxy drops unknown properties and unparsable values silently: nothing may go
        assert ftm_model.get_proxy(d).to_dict()["properties"] == d["properties"]
        if schema.edge:
            for end in (schema.edge_source, schema.edge_target):
                assert d["properties"].get(end), (d["id"], end)
                assert all(v in ids for v in d["properties"][end]), (d["id"], end)


def test_stream_order_and_amounts_follow_the_interchange_table(stream, bundled):
    """Companies, then sources, then deals by id; one amount = high else low, in USD, computed
    here independently with Decimal from the stored amounts and rates."""
    data = _lines(stream)
    kinds = ["co" if ftm_model.get(d["schema"]).is_a("LegalEntity") or d["id"].endswith("-parent")
             else "src" if d["schema"] == "Article" else "deal" for d in data]
    assert kinds == sorted(kinds, key=["co", "src", "deal"].index)
    record_ids = [d["properties"]["recordId"][0] for d in data if "recordId" in d["properties"]]
    assert record_ids == sorted(record_ids)
    raw = {d.id: {k: "" if v is None else (repr(v) if isinstance(v, float) else str(v).lower()
                                          if isinstance(v, bool) else str(v))
                  for k, v in d.model_dump(mode="json").items()} for d in bundled.records("deals")}
    by_id = {d["id"]: d for d in data}
    checked = 0
    for deal_id, r in raw.items():
        main = by_id[deal_entity_id(deal_id)]
        text = r["amount_high"] or r["amount_low"]
        prop = "sharesValue" if main["schema"] == "Ownership" else "amount"
        if main["schema"] == "UnknownLink":  # no amount property: the amount is spelled out
            assert "amount" not in main["properties"]
            assert ("amount USD bn" if text else "amount undisclosed") in main["properties"]["summary"][0]
            continue
        if not text:
            assert prop not in main["properties"], deal_id  # undisclosed: left out, never 0
            continue
        expected = Decimal(text) * Decimal(r["fx_rate"] or 1) * 1_000_000_000
        got = Decimal(main["properties"][prop][0])
        assert got == expected, deal_id
        checked += 1
        summary = main["properties"]["summary"][0]
        if r["include_in_totals"] == "false":
            assert summary.startswith("summary row: do not add")
        if r["kind"] == "loan_debt_spv":  # loans reverse: debtor is the borrower (the payee)
            assert main["properties"]["debtor"] == [f"ll-co-{r['payee']}"]
            assert main["properties"]["creditor"] == [f"ll-co-{r['payer']}"]
    assert checked > 100


def test_round_trip_gives_the_same_records(stream, bundled):
    original = bundled
    copy = Ledger.in_memory()
    counts = import_entities(copy, stream)
    for table in TABLES:
        assert _dump(copy, table) == _dump(original, table), table
    assert counts["deals"] == len(original.records("deals"))
    a, b = original.deals(as_of="2026-06-30"), copy.deals(as_of="2026-06-30")
    assert a.drop(columns="sources").equals(b.drop(columns="sources"))


def test_reimport_into_the_same_ledger_is_refused_whole(stream, fresh_ledger):
    before = {t: len(fresh_ledger.records(t)) for t in TABLES}
    with pytest.raises(ValidationError) as err:
        import_entities(fresh_ledger, stream)
    assert any("duplicate id" in p.reason for p in err.value.problems)
    assert all(p.path == str(stream) and p.row for p in err.value.problems)
    assert {t: len(fresh_ledger.records(t)) for t in TABLES} == before


# random ledgers ---------------------------------------------------------------------------------

# text with the characters that could break a "key: value" block: newlines, quotes, colons
TEXT = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=6)
    | st.sampled_from(["\n", ": ", '"', "\nloopledger:\n", "~", "\t", "a: b"]),
    min_size=1, max_size=5,
).map("".join).map(str.strip).filter(bool)
ITEM = TEXT.filter(lambda t: "|" not in t and "\n" not in t)
SLUG = st.from_regex(r"[a-z0-9][a-z0-9._/\-]{0,10}", fullmatch=True)
AMOUNT = st.none() | st.floats(min_value=0, max_value=5000, allow_nan=False)


@st.composite
def partial_date(draw, years, approx=False, periods=False):
    year = draw(st.integers(*years))
    forms = ["year", "month", "day"] + (["quarter", "half"] if periods else [])
    form = draw(st.sampled_from(forms))
    text = {
        "year": f"{year}",
        "month": f"{year}-{draw(st.integers(1, 12)):02d}",
        "day": f"{year}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
        "quarter": f"{year}-Q{draw(st.integers(1, 4))}",
        "half": f"{year}-H{draw(st.integers(1, 2))}",
    }[form]
    return ("~" + text) if approx and draw(st.booleans()) else text


@st.composite
def ledgers(draw):
    co_ids = draw(st.lists(SLUG, min_size=2, max_size=5, unique=True))
    companies = []
    for cid in co_ids:
        parent = draw(st.none() | st.sampled_from([c for c in co_ids if c != cid]))
        companies.append(dict(
            id=cid, name=draw(TEXT), aliases=draw(st.lists(ITEM, max_size=2, unique=True)),
            ticker=draw(st.none() | st.from_regex(r"[A-Z]{1,4}", fullmatch=True)),
            type=draw(st.sampled_from(list(CompanyType))).value,
            country=draw(st.sampled_from([None, "US", "US/UAE", "Norway", "Atlantis"])),
            parent=parent, parent_since=draw(st.none() | partial_date((2000, 2010))) if parent else None,
            placeholder=draw(st.booleans()), notes=draw(st.none() | TEXT),
        ))
    src_ids = draw(st.lists(st.from_regex(r"src-[a-z0-9]{1,8}", fullmatch=True), min_size=1, max_size=3, unique=True))
    sources = [dict(id=s, url=f"https://example.org/{s}/{draw(st.from_regex(r'[a-z0-9]{0,6}', fullmatch=True))}",
                    publisher=draw(TEXT), date=draw(st.none() | partial_date((2010, 2030), approx=True, periods=True)),
                    type=draw(st.sampled_from(list(SourceType))).value, title=draw(st.none() | TEXT),
                    notes=draw(st.none() | TEXT)) for s in src_ids]
    deal_ids = draw(st.lists(SLUG, min_size=1, max_size=6, unique=True))
    deals, events = [], []
    for did in deal_ids:
        payer = draw(st.sampled_from(co_ids))
        payee = draw(st.sampled_from([c for c in co_ids if c != payer]))
        lo, hi = draw(AMOUNT), draw(AMOUNT)
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        currency = draw(st.sampled_from(["USD", "USD", "EUR"]))
        others = [d for d in deal_ids if d != did]
        overlap_with = draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
        deals.append(dict(
            id=did, group=draw(SLUG), announced=draw(st.none() | partial_date((2015, 2019))),
            payer=payer, payee=payee, kind=draw(st.sampled_from(list(DealKind))).value,
            consideration=draw(st.none() | st.sampled_from([c.value for c in Consideration])),
            amount_low=lo, amount_high=hi, currency=currency,
            fx_rate=draw(st.floats(0.5, 2, allow_nan=False)) if currency != "USD" else None,
            amount_note=draw(st.none() | TEXT), units=draw(st.none() | TEXT),
            share_count=draw(st.none() | st.floats(0, 1e9, allow_nan=False)),
            stake_pct=draw(st.none() | st.floats(0, 100, allow_nan=False)),
            stake_value=draw(AMOUNT),
            term_start=draw(st.none() | partial_date((2020, 2024), approx=True, periods=True)),
            term_end=draw(st.none() | partial_date((2026, 2040), approx=True, periods=True)),
            include_in_totals=draw(st.booleans()),
            overlap=draw(st.sampled_from(["overlaps", "realized_spend"])) if overlap_with
            else draw(st.sampled_from([None, "companion"])),
            overlap_with=overlap_with, overlap_note=draw(st.none() | TEXT),
            confidence=draw(st.sampled_from(["high", "medium", "low"])), notes=draw(st.none() | TEXT),
            payer_detail=draw(st.none() | TEXT),
            sources=draw(st.lists(st.sampled_from(src_ids), min_size=1, max_size=2, unique=True)),
        ))
        for n in range(1, draw(st.integers(1, 3)) + 1):
            events.append(dict(
                id=f"{did}/{n}", deal=did, date=draw(partial_date((2020, 2026))),
                status=draw(st.sampled_from(["rumored", "announced_loi", "definitive", "funded_partial",
                                             "funded", "cancelled_stalled", "amended"])),
                note=draw(st.none() | TEXT),
                sources=draw(st.lists(st.sampled_from(src_ids), min_size=1, max_size=2, unique=True)),
            ))
    ledger = Ledger.in_memory()
    ledger.add({"sources": sources, "companies": companies, "deals": deals, "events": events},
               actor="test", reason="random ledger")
    return ledger


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_random_ledgers_round_trip_exactly(ledger):
    buf = io.StringIO()
    for e in entities(ledger):
        data = e.to_dict()
        ftm_model.get(data["schema"]).validate(data)
        buf.write(json.dumps(data) + "\n")
    copy = Ledger.in_memory()
    import sys

    stdin = sys.stdin
    try:
        sys.stdin = io.StringIO(buf.getvalue())
        import_entities(copy, "-")
    finally:
        sys.stdin = stdin
    for table in TABLES:
        assert _dump(copy, table) == _dump(ledger, table), table


@given(st.lists(st.tuples(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), TEXT | st.none()), max_size=6))
def test_block_encoding_round_trips_any_text(pairs):
    block = encode_block(pairs)
    from loopledger.ledger.tables import to_csv_cell

    assert decode_block("free text before\n\n" + block) == [(k, to_csv_cell(v)) for k, v in pairs if v]


# bad and foreign streams ------------------------------------------------------------------------

def _write(tmp_path, lines, name="in.ftm.json"):
    p = tmp_path / name
    p.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return p


ACME = {"id": "acme", "schema": "Company", "properties": {"name": ["Acme Chips"], "country": ["us"]}}
BOLT = {"id": "bolt", "schema": "Company", "properties": {"name": ["Bolt AI"]}}
URL = {"sourceUrl": ["https://example.org/story"]}


def test_every_problem_is_reported_with_line_and_property(tmp_path):
    path = _write(tmp_path, [
        ACME,
        "{not json",
        {"id": "x1", "schema": "Ownershp", "properties": {}},
        {"id": "x2", "schema": "Ownership", "properties": {"owner": ["acme"], "asset": ["bolt"], "colour": ["red"]}},
        {"id": "x3", "schema": "Ownership", "properties": {"owner": ["acme"], "asset": ["nobody"], "startDate": ["2025-13-45"]}},
        {"id": "x4", "schema": "Payment", "properties": {"payer": ["acme"], "amount": ["lots"], **URL}},
        BOLT,
    ])
    ledger = Ledger.in_memory()
    with pytest.raises(ValidationError) as err:
        import_entities(ledger, path)
    got = {(p.row, p.column) for p in err.value.problems}
    assert {(2, ""), (3, "schema"), (4, "colour"), (5, "asset"), (5, "startDate"), (6, "amount"),
            (6, "beneficiary")} <= got
    assert all(p.path == str(path) for p in err.value.problems)
    assert ledger.records("deals") == [] and ledger.records("companies") == []


def _foreign(tmp_path):
    return _write(tmp_path, [
        ACME, BOLT,
        {"id": "p1", "schema": "Person", "properties": {"name": ["Jane Doe"]}},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["acme"]}},
        {"id": "own", "schema": "Ownership", "properties": {
            "owner": ["acme"], "asset": ["bolt"], "percentage": ["12.5"], "sharesValue": ["2000000000"],
            "sharesCurrency": ["USD"], "startDate": ["2025-03"], "status": ["definitive"], **URL}},
        {"id": "ctr", "schema": "Contract", "properties": {
            "title": ["GPUs"], "authority": ["bolt"], "type": ["compute_purchase"], "contractDate": ["2025-04-02"]}},
        {"id": "awd", "schema": "ContractAward", "properties": {
            "contract": ["ctr"], "supplier": ["acme"], "amount": ["750000000"], "currency": ["USD"],
            "status": ["signed"], **URL}},
        {"id": "loan", "schema": "Debt", "properties": {
            "debtor": ["bolt"], "creditor": ["acme"], "amountUsd": ["1500000000"], "date": ["2025"], **URL}},
        {"id": "pay", "schema": "Payment", "properties": {
            "payer": ["bolt"], "beneficiary": ["acme"], "amount": ["100000000"], "currency": ["USD"],
            "date": ["2025-06-01"], "proof": ["doc"]}},
        {"id": "doc", "schema": "Article", "properties": {
            "sourceUrl": ["https://example.org/filing"], "publisher": ["SEC"], "publishedAt": ["2025-06-02"]}},
    ])


def test_foreign_stream_needs_a_default_status_and_never_guesses(tmp_path):
    path = _foreign(tmp_path)
    ledger = Ledger.in_memory()
    with pytest.raises(ValidationError) as err:
        import_entities(ledger, path)
    problems = {(p.row, p.column): p.reason for p in err.value.problems}
    assert "--default-status" in problems[(7, "status")]  # 'signed' is not a loopledger status
    assert "--default-status" in problems[(8, "status")]  # Debt has no status at all
    assert len(problems) == 2 and ledger.records("deals") == []


def test_foreign_stream_maps_the_table_in_reverse(tmp_path):
    path = _foreign(tmp_path)
    ledger = Ledger.in_memory()
    counts = import_entities(ledger, path, default_status="announced_loi")
    assert counts["deals"] == 4 and counts["companies"] == 2
    assert counts.skipped == {"Sanction": 1, "Person (in no deal)": 1}
    deals = ledger.deals(as_of="2026-01-01").set_index("id")
    own, award, loan, pay = (deals.loc[f"ftm-{x}"] for x in ("own", "awd", "loan", "pay"))
    assert (own.kind, own.payer, own.payee, own.amount_high, own.stake_pct, own.status) == (
        "equity_investment", "acme-chips", "bolt-ai", 2.0, 12.5, "definitive")
    assert (award.kind, award.payer, award.payee, award.amount_low, award.announced, award.status) == (
        "compute_purchase", "bolt-ai", "acme-chips", 0.75, "2025-04-02", "announced_loi")
    # a Debt's debtor is the borrower: the loan leg runs lender -> borrower
    assert (loan.kind, loan.payer, loan.payee, loan.amount_high) == ("loan_debt_spv", "acme-chips", "bolt-ai", 1.5)
    assert (pay.status, pay.sources[0]["url"], pay.sources[0]["publisher"]) == (
        "funded", "https://example.org/filing", "SEC")
    assert set(deals["confidence"]) == {"low"}


def test_foreign_amount_in_another_currency_is_not_converted(tmp_path):
    path = _write(tmp_path, [ACME, BOLT, {"id": "pay", "schema": "Payment", "properties": {
        "payer": ["bolt"], "beneficiary": ["acme"], "amount": ["100"], "currency": ["EUR"],
        "date": ["2025"], **URL}}])
    with pytest.raises(ValidationError) as err:
        import_entities(Ledger.in_memory(), path)
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "currency")]
    assert "amountUsd" in err.value.problems[0].reason


def test_foreign_companies_match_ledger_names_exactly(tmp_path, fresh_ledger):
    path = _write(tmp_path, [
        {"id": "n1", "schema": "Company", "properties": {"name": ["nvidia"]}},
        {"id": "n2", "schema": "Company", "properties": {"name": ["Nvidia Fan Club"]}},
        {"id": "l1", "schema": "UnknownLink", "properties": {
            "subject": ["n1"], "object": ["n2"], "role": ["capacity backstop"], "status": ["rumored"],
            "date": ["2026-01"], **URL}},
    ])
    import_entities(fresh_ledger, path)
    leg = fresh_ledger.deals().set_index("id").loc["ftm-l1"]
    assert (leg.payer, leg.kind, leg.status) == ("nvidia", "capacity_backstop", "rumored")
    assert fresh_ledger.record("companies", leg.payee).name == "Nvidia Fan Club"


# statements and the CLI -------------------------------------------------------------------------

def test_statements_keep_per_value_sources(tmp_path, bundled):
    ledger = bundled
    path = tmp_path / "s.csv"
    write_statements(ledger, path)
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert header == ["canonical_id", "entity_id", "prop", "prop_type", "schema", "value", "dataset",
                      "origin", "lang", "original_value", "external", "first_seen", "last_seen", "id"]
    with open(path, "rb") as fh:
        stmts = list(read_statements(fh, "csv"))
    by_url = {s.url: s.id for s in ledger.records("sources")}
    # the statements hold exactly the entities' values
    values = {(s.entity_id, s.prop, s.value) for s in stmts if s.prop != "id"}
    expected = {(e.id, p.name, v) for e in entities(ledger) for p, v in e.itervalues()}
    assert values == expected
    urls = [s for s in stmts if s.prop == "sourceUrl" and s.entity_id.startswith("ll-deal-")]
    assert urls and all(s.origin == by_url[s.value] for s in urls)
    amounts = [s for s in stmts if s.entity_id == "ll-deal-openai-oracle-300b-contract" and s.prop == "amount"]
    assert [(a.value, a.original_value) for a in amounts] == [("300000000000", "300 USD bn")]
    assert all(s.dataset == "loopledger" and s.first_seen for s in stmts)


def test_cli_pipes_ftm_through_stdout_and_stdin(cli, tmp_path, monkeypatch):
    import sys

    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert cli("init", "--db", a).code == 0
    out = cli("export", "--format", "ftm", "-o", "-", "--db", a)
    assert out.code == 0 and out.out.count("\n") > 500
    monkeypatch.setattr(sys, "stdin", io.StringIO(out.out))
    res = cli("import", "--format", "ftm", "-", "--db", b)
    assert res.code == 0, res.err
    assert "deals: 174" in res.out or "deals:" in res.out
    assert Ledger.open(b).records("deals") and len(Ledger.open(b).records("deals")) == len(Ledger.open(a).records("deals"))
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": "x", "schema": "Ownershp", "properties": {}}\n'))
    bad = cli("import", "--format", "ftm", "-", "--db", b)
    assert bad.code == 1 and "<stdin>:1:schema: unknown FtM schema 'Ownershp'" in bad.err


def test_export_format_rejects_unknown_formats(bundled, tmp_path):
    from loopledger import LedgerError

    with pytest.raises(LedgerError, match="unknown export format"):
        export_format(bundled, tmp_path, "pdf")
    with pytest.raises(LedgerError, match="unknown import format"):
        import_format(bundled, tmp_path, "gexf")


def test_a_name_ftm_cleans_into_an_invalid_one_stays_only_in_the_block():
    """FtM cleans the name '"\\n"' to '" "', which its own validation refuses: the entity
    leaves the name out (the block keeps it) and still round-trips."""
    ledger = Ledger.in_memory()
    ledger.add({
        "sources": [dict(id="s1", url="https://example.org/x", publisher="Example", type="news")],
        "companies": [dict(id="d", name='"\n"', type="chip_vendor"), dict(id="e", name="E", type="other")],
        "deals": [dict(id="x", group="x", payer="d", payee="e", kind="other", confidence="low", sources=["s1"])],
        "events": [dict(id="x/1", deal="x", date="2025", status="rumored", sources=["s1"])],
    }, actor="test", reason="odd name")
    lines = []
    for e in entities(ledger):
        data = e.to_dict()
        ftm_model.get(data["schema"]).validate(data)
        lines.append(json.dumps(data))
    company = json.loads(lines[0])
    assert company["id"] == "ll-co-d" and "name" not in company["properties"]
    import sys

    copy = Ledger.in_memory()
    stdin = sys.stdin
    try:
        sys.stdin = io.StringIO("\n".join(lines) + "\n")
        import_entities(copy, "-")
    finally:
        sys.stdin = stdin
    assert copy.record("companies", "d").name == '"\n"'
