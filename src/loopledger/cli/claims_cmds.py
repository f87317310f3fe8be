"""The ``claims`` command: who holds a claim on what (docs/claims.md), a thin skin over
:func:`loopledger.claims` (option for option)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import LedgerError
from .app import (
    AmountOption,
    AsOfOption,
    DbOption,
    JsonOption,
    StatusesOption,
    app,
    console,
    emit_json,
    money,
    open_ledger,
    table,
    text,
)


def _pct(x) -> str:
    return "—" if x is None or x != x else f"{100 * x:,.0f}%"


@app.command("claims")
def claims_cmd(
    db: DbOption = None,
    as_of: AsOfOption = None,
    statuses: StatusesOption = None,
    amount: AmountOption = "high",
    lookthrough: Annotated[bool, typer.Option("--lookthrough/--no-lookthrough",
                                              help="Also the look-through of vehicles to their sponsors.")] = True,
    json: JsonOption = False,
) -> None:
    """Who holds a claim on what: per asset and pledged contract its value, its claims in
    priority order (loan, lender, amount, share, sources), how much of it is pledged and its
    flags; then the debt of financing vehicles by sponsor and the debt resting on each
    company's contracts."""
    from ..measures.encumbrance import encumbrance
    from .app import cli_view

    view = cli_view(as_of, statuses, amount)
    ledger = open_ledger(db)
    if ledger.store.count("deals") == 0:
        raise LedgerError("the ledger holds no deals: run `loopledger init` to load the bundled dataset")
    e = encumbrance(ledger, lookthrough=lookthrough, view=view)
    if json:
        emit_json(e)
        return
    con = console()
    from ..measures.encumbrance import FLAG_WORDS

    order = e.claims.groupby("collateral", sort=False)
    rows = []
    for r in e.collateral.itertuples():
        lines = []
        for c in order.get_group(r.collateral).itertuples():
            rank = text(c.priority_label) or "priority not stated"
            # cells are plain text (no markup), so the source ids' brackets print as they are
            lines.append(f"{rank}: {c.loan} ({c.lender}) {money(c.amount)}"
                         + (f" x{c.share:g}" if c.share != 1 else "") + f" [{c.sources}]")
        rows.append([r.collateral, f"{r.collateral_type} ({text(r.kind)})", text(r.owner), money(r.value),
                     "\n".join(lines), money(r.pledged_total), _pct(r.pledged_share),
                     "; ".join(FLAG_WORDS[f] for f in r.flags)])
    con.print(table(f"Claims on assets and pledged contracts as of {e.as_of} (USD billions)",
                    ["collateral", "type", "owner", "value", "claims in priority order", "pledged", "pledged/value",
                     "flags"], rows, right={"value", "pledged", "pledged/value"}, whole={"collateral"}))
    if e.by_sponsor is not None and e.vehicles is not None and e.resting_on is not None:
        con.print(table("Off-balance-sheet debt by sponsor: debt borrowed by the vehicles each sponsors "
                        "(USD billions; a vehicle with two sponsors counts under both)",
                        ["sponsor", "vehicles", "debt", "loans", "shared with"],
                        [[text(s.sponsor) or "(sponsor not recorded)", ", ".join(s.vehicles), money(s.debt),
                          ", ".join(s.loans), ", ".join(s.shared_with)] for s in e.by_sponsor.itertuples()],
                        right={"debt"}))
        with_debt = e.vehicles[e.vehicles["loans"].map(bool)]
        con.print(f"Vehicle debt in view, each vehicle once: {money(with_debt['debt'].sum(min_count=1))} "
                  f"USD bn over {len(with_debt)} vehicles", markup=False)
        con.print(table("Debt resting on each company's contracts (loans secured by contracts it pays)",
                        ["company", "contract", "loan", "lender", "borrower", "amount"],
                        [[r.company, r.contract, r.loan, r.lender,
                          r.borrower + (" (vehicle)" if r.borrower_is_vehicle else ""), money(r.amount)]
                         for r in e.resting_on.itertuples()], right={"amount"}))
    flagged = e.flagged()
    con.print(f"{len(e.collateral)} collateral items, {len(e.claims)} claims, {len(flagged)} flagged; "
              f"{len(e.guarantees)} guarantees.", markup=False)
    con.print(e.counting, markup=False)
