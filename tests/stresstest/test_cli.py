"""`loopledger stress` and `loopledger systemic`: the same calls as the Python API, option for
option, JSON output, and one-line errors with exit code 1."""

from __future__ import annotations

import math

import pytest

from loopledger.stresstest.montecarlo import monte_carlo
from loopledger.stresstest.scenario import stress, systemic

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from loopledger.ledger import Ledger

    url = f"sqlite:///{tmp_path_factory.mktemp('stress') / 'ledger.db'}"
    Ledger.open(url).init()
    return url


def close(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def test_stress_json_is_the_api_call(cli, db):
    from loopledger.ledger import Ledger

    r = cli("stress", "--fail", "OpenAI", "--recovery", "0.4", "--substitution", "0.3", "--lag-quarters", "2",
            "--variant", "linear", "--as-of", AS_OF, "--db", db, "--json")
    assert r.code == 0, r.err
    api = stress(Ledger.open(db), fail=["OpenAI"], recovery=0.4, substitution=0.3, lag_quarters=2,
                 variant="linear", as_of=AS_OF)
    got = r.json()
    assert close(got["totals"], api.to_dict()["totals"])
    assert close(got["totals_without_substitution"], api.to_dict()["totals_without_substitution"])
    assert [c["company"] for c in got["companies"]] == api.companies["company"].tolist()
    assert got["params"]["recovery"] == 0.4 and got["params"]["exposures"]["as_of"] == AS_OF


def test_stress_table_and_models(cli, db):
    r = cli("stress", "--fail", "OpenAI", "--as-of", AS_OF, "--db", db, "--top", "5")
    assert r.code == 0, r.err
    assert "if OpenAI fails" in r.out and "Microsoft" in r.out and "DebtRank R" in r.out
    r = cli("stress", "--fail", "OpenAI", "--model", "cascade", "--as-of", AS_OF, "--db", db, "--json")
    assert r.code == 0 and r.json()["model"] == "cascade"
    r = cli("stress", "--fail", "OpenAI", "--model", "clearing", "--external-assets", "market_value",
            "--as-of", AS_OF, "--db", db, "--json")
    assert r.code == 0, r.err
    assert r.json()["params"]["external_assets"] == "market_value"


def test_systemic_json_is_the_api_call(cli, db):
    from loopledger.ledger import Ledger

    r = cli("systemic", "--as-of", AS_OF, "--db", db, "--json")
    assert r.code == 0, r.err
    api = systemic(Ledger.open(db), as_of=AS_OF).to_dict()
    assert [row["company"] for row in r.json()["table"]] == [row["company"] for row in api["table"]]
    assert close(r.json()["table"][0], api["table"][0])
    r = cli("systemic", "--as-of", AS_OF, "--db", db, "--top", "3")
    assert r.code == 0 and "Too big to fail" in r.out


def test_monte_carlo_json_is_the_api_call(cli, db):
    from loopledger.ledger import Ledger

    r = cli("stress", "--fail", "OpenAI", "--scenarios", "500", "--seed", "4", "--p-loi", "0.5",
            "--recovery-beta", "2,3", "--as-of", AS_OF, "--db", db, "--json")
    assert r.code == 0, r.err
    api = monte_carlo(Ledger.open(db), fail=["OpenAI"], scenarios=500, seed=4, p_loi=0.5, recovery_beta=(2, 3),
                      as_of=AS_OF).to_dict()
    assert close(r.json()["summary"], api["summary"])
    assert r.json()["seed"] == 4
    r = cli("stress", "--fail", "OpenAI", "--scenarios", "300", "--seed", "4", "--as-of", AS_OF, "--db", db)
    assert r.code == 0 and "Monte Carlo: 300 scenarios, seed 4" in r.out


@pytest.mark.parametrize("args, message", [
    (["--fail", "Nobody Inc"], "unknown company"),
    (["--fail", "OpenAI", "--model", "clearing"], "external_assets"),
    (["--fail", "OpenAI", "--recovery", "2"], "recovery"),
    (["--fail", "OpenAI", "--workers", "2"], "--scenarios"),
    (["--fail", "OpenAI", "--funding-shortfall", "OpenAI"], "COMPANY=SHARE"),
    (["--fail", "OpenAI", "--scenarios", "10", "--recovery-beta", "2"], "A,B"),
    (["--fail", "OpenAI", "--missing-buffer", "error"], "no market_value figure"),
])
def test_errors_exit_1_with_one_line(cli, db, args, message):
    r = cli("stress", *args, "--as-of", AS_OF, "--db", db)
    assert r.code == 1
    assert message in r.err
    assert r.out == ""


def test_stress_prints_both_bases_components_the_sentence_and_what_it_counts(cli, db):
    r = cli("stress", "--fail", "OpenAI", "--as-of", AS_OF, "--db", db, "--top", "8")
    assert r.code == 0, r.err
    for word in ("economic losses", "gross", "stranded", "Components:", "If OpenAI fails", "Who absorbs what",
                 "Economic losses (stakes at cost); horizon 24 months; recovery 37% (default)",
                 "buffers = market_value (else book_equity)", "companies without a market_value or book_equity figure"):
        assert word in r.out, word
    g = cli("stress", "--fail", "OpenAI", "--as-of", AS_OF, "--db", db, "--loss-basis", "gross", "--json")
    e = cli("stress", "--fail", "OpenAI", "--as-of", AS_OF, "--db", db, "--json")
    assert g.json()["loss_basis"] == "gross" and e.json()["loss_basis"] == "economic"
    assert g.json()["totals"]["total_loss"] == pytest.approx(e.json()["totals"]["total_loss_gross"])
    company = e.json()["companies"][1]
    assert set(company) >= {"loss", "loss_gross", "components", "loss_share", "state"}
    assert sum(company["components"].values()) == pytest.approx(company["loss"])
    assert {a["name"] for a in e.json()["assumptions"]} >= {"recovery", "horizon_months", "receivable_months"}
    resc = cli("stress", "--fail", "OpenAI", "--as-of", AS_OF, "--db", db, "--rescue")
    assert resc.code == 0 and "Rescue: support of" in resc.out
    mc = cli("stress", "--fail", "OpenAI", "--as-of", AS_OF, "--db", db, "--scenarios", "200", "--seed", "1",
             "--model", "clearing", "--external-assets", "cash", "--margin-spread", "0.2")
    assert mc.code == 0, mc.err
    assert "VaR 95%" in mc.out and "ES 95%" in mc.out and "P(distress)" in mc.out and "horizon 24 months" in mc.out
    s = cli("systemic", "--as-of", AS_OF, "--db", db, "--top", "3")
    assert "economic losses" in s.out and "# gross" in s.out and "recovery 37%" in s.out
