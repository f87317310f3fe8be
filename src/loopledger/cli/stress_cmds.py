"""Stress commands: ``stress`` (one failure scenario, or its Monte Carlo with ``--scenarios``)
and ``systemic`` (the "too big to fail" table). Option for option the same calls as
``loopledger.stress(...)``, ``loopledger.monte_carlo(...)`` and ``loopledger.systemic(...)``."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from ..errors import LedgerError
from .app import AsOfOption, DbOption, JsonOption, app, console, emit_json, money, open_ledger, table

Recovery = Annotated[float, typer.Option(help="Share of a failed company's unpaid commitments its creditors recover (0..1).")]
Substitution = Annotated[float, typer.Option(help="Share of a failed buyer's lost demand won back by surviving suppliers (0..1).")]
Lag = Annotated[int, typer.Option("--lag-quarters", help="Quarters before substitution starts.")]
Model = Annotated[str, typer.Option(help="debtrank, cascade (Furfine) or clearing (Eisenberg-Noe / Rogers-Veraart).")]
Variant = Annotated[str, typer.Option(help="DebtRank rule: battiston2012 (each node passes distress once) or linear.")]
Threshold = Annotated[float, typer.Option(help="cascade: a company fails when losses exceed this x buffer.")]
Alpha = Annotated[float, typer.Option(help="clearing: share of external assets a defaulter realises.")]
Beta = Annotated[float, typer.Option(help="clearing: share of receipts a defaulter realises.")]
External = Annotated[Optional[str], typer.Option("--external-assets", help="clearing: cash or market_value (a derived proxy).")]
Amount = Annotated[str, typer.Option(help="Amount basis: low, high or mid.")]
Buffer = Annotated[str, typer.Option(help="Buffer: market_value, book_equity or cash.")]
Missing = Annotated[str, typer.Option("--missing-buffer", help="A company without a buffer figure: infinite, error, exclude or a number (USD bn).")]
Warrants = Annotated[bool, typer.Option("--include-warrants", help="Count warrants as stakes.")]
Status = Annotated[Optional[list[str]], typer.Option("--status", help="Statuses that bind (repeatable; default definitive, funded_partial, funded).")]
Horizon = Annotated[int, typer.Option("--horizon-months", help="Horizon H in months (clearing, substitution).")]
Top = Annotated[int, typer.Option(help="Rows to show in the table (all with --json).")]


def _view(as_of, amount, buffer, missing_buffer, include_warrants, status, horizon_months) -> dict[str, Any]:
    try:
        missing: Any = float(missing_buffer)
    except ValueError:
        missing = missing_buffer
    view = dict(as_of=as_of, amount=amount, buffer=buffer, missing_buffer=missing,
                include_warrants=include_warrants, horizon_months=horizon_months)
    if status:
        view["statuses"] = list(status)
    return view


def _pairs(items: list[str] | None, what: str) -> dict[str, float]:
    out = {}
    for item in items or []:
        name, sep, value = item.rpartition("=")
        try:
            out[name] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name:
            raise LedgerError(f"{what} takes COMPANY=SHARE, got '{item}'")
    return out


def _flag_note(flagged) -> str | None:
    missing = flagged[flagged["flag"] == "missing"]
    if missing.empty:
        return None
    return (f"{len(missing)} companies have no buffer figure and are treated per --missing-buffer: "
            + ", ".join(missing["name"].tolist()))


@app.command()
def stress(
    fail: Annotated[list[str], typer.Option("--fail", help="Company that fails (name, alias, id or ticker; repeatable).")] = [],  # noqa: B006
    recovery: Recovery = 0.0,
    substitution: Substitution = 0.0,
    lag_quarters: Lag = 0,
    model: Model = "debtrank",
    variant: Variant = "battiston2012",
    funding_shortfall: Annotated[Optional[list[str]], typer.Option("--funding-shortfall", help="COMPANY=X: its funding falls short by X (0..1); repeatable.")] = None,
    gpu_price_fall: Annotated[float, typer.Option(help="GPU prices fall by this share (0..1).")] = 0.0,
    threshold: Threshold = 1.0,
    alpha: Alpha = 1.0,
    beta: Beta = 1.0,
    external_assets: External = None,
    scenarios: Annotated[Optional[int], typer.Option(help="Run a Monte Carlo of this many scenarios.")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Monte Carlo seed (default: fresh, printed).")] = None,
    p_loi: Annotated[float, typer.Option("--p-loi", help="Monte Carlo: probability a letter of intent is realised.")] = 0.0,
    recovery_beta: Annotated[Optional[str], typer.Option("--recovery-beta", help="Monte Carlo: draw recovery from Beta(A,B), given as A,B.")] = None,
    chunk_size: Annotated[Optional[int], typer.Option(help="Monte Carlo: scenarios per chunk (default: sized to the network).")] = None,
    workers: Annotated[Optional[int], typer.Option(help="Monte Carlo: start a local Dask cluster with N workers.")] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="Monte Carlo: run on the Dask scheduler at tcp://HOST:PORT.")] = None,
    as_of: AsOfOption = None,
    amount: Amount = "high",
    buffer: Buffer = "market_value",
    missing_buffer: Missing = "infinite",
    include_warrants: Warrants = False,
    status: Status = None,
    horizon_months: Horizon = 24,
    top: Top = 20,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """If these companies fail, who bears the loss? Per company: direct and indirect loss,
    loss / buffer, distressed or defaulted and in which round (USD bn)."""
    from ..stress.montecarlo import monte_carlo
    from ..stress.scenario import stress as run_stress

    ledger = open_ledger(db)
    view = _view(as_of, amount, buffer, missing_buffer, include_warrants, status, horizon_months)
    if scenarios is not None:
        if funding_shortfall or gpu_price_fall:
            raise LedgerError("--funding-shortfall and --gpu-price-fall are not sampled in the Monte Carlo")
        beta_ab = None
        if recovery_beta:
            try:
                beta_ab = tuple(float(x) for x in recovery_beta.split(","))
            except ValueError:
                beta_ab = ()
            if len(beta_ab) != 2:
                raise LedgerError(f"--recovery-beta takes A,B, got '{recovery_beta}'")
        result = monte_carlo(ledger, fail=fail, scenarios=scenarios, seed=seed, recovery=recovery,
                             recovery_beta=beta_ab, p_loi=p_loi, substitution=substitution,
                             lag_quarters=lag_quarters, model=model, variant=variant, threshold=threshold,
                             chunk_size=chunk_size, workers=workers, scheduler=scheduler,
                             progress=None if not json else False, **view)
        if json:
            emit_json(result.to_dict())
            return
        _print_monte_carlo(result, top)
        return
    if workers is not None or scheduler is not None:
        raise LedgerError("--workers and --scheduler run a Monte Carlo: add --scenarios N")
    result = run_stress(ledger, fail=fail, recovery=recovery, substitution=substitution,
                        lag_quarters=lag_quarters, model=model, variant=variant,
                        funding_shortfall=_pairs(funding_shortfall, "--funding-shortfall"),
                        gpu_price_fall=gpu_price_fall, threshold=threshold, alpha=alpha, beta=beta,
                        external_assets=external_assets, **view)
    if json:
        emit_json(result.to_dict())
        return
    _print_stress(result, top)


def _print_stress(result, top: int) -> None:
    con = console()
    c = result.companies
    hit = c[(c["loss"].fillna(0) > 0) | (c["shock_loss"].fillna(1) > 0)].head(top)
    sub = "loss_without_substitution" in c
    cols = ["company", "buffer", "shock", "direct", "indirect", "loss", "loss/buffer", "state", "round"]
    if sub:
        cols.insert(6, "loss (s=0)")
    rows = []
    for r in hit.itertuples():
        state = "failed" if r.round == 0 and r.defaulted else ("defaulted" if r.defaulted else ("distressed" if r.distressed else ""))
        buf = "∞" if r.buffer == float("inf") else money(r.buffer)
        row = [r.name + (" *" if r.buffer_flag == "missing" else ""), buf, money(r.shock_loss), money(r.direct_loss),
               money(r.indirect_loss), money(r.loss), "—" if r.loss_share != r.loss_share else f"{r.loss_share:.1%}",
               state, "" if r.round < 0 else str(r.round)]
        if sub:
            row.insert(6, money(r.loss_without_substitution))
        rows.append(row)
    con.print(table(f"{result.caption} (USD bn)", cols, rows,
                    right={"buffer", "shock", "direct", "indirect", "loss", "loss (s=0)", "loss/buffer", "round"}))
    t = result.totals
    line = (f"Total loss to others {money(t['total_loss'])} (direct {money(t['direct_loss'])}, indirect "
            f"{money(t['indirect_loss'])}); {t['distressed']} companies hit, {t['defaults']} defaulted")
    if "R" in t:
        line += f"; DebtRank R = {t['R']:.4f}"
    con.print(line, markup=False)
    if result.totals_without_substitution:
        t0 = result.totals_without_substitution
        con.print(f"Without substitution (s = 0): total loss {money(t0['total_loss'])}, {t0['defaults']} defaulted",
                  markup=False)
    note = _flag_note(result.flagged)
    if note:
        con.print(f"* {note}", markup=False, soft_wrap=True)
    p = result.params["exposures"]
    con.print(f"As of {p['as_of']}; statuses {', '.join(p['statuses'])}; amounts on the {p['amount']} basis; "
              f"buffers = {p['buffer']}; recovery {result.params['recovery']:g}; model {result.model}"
              + (f" ({result.params['variant']})" if result.params.get("variant") else ""), markup=False)


def _print_monte_carlo(result, top: int) -> None:
    con = console()
    s = result.summary
    rows = [[r.output, f"{r.mean:,.4g}", f"{r.q05:,.4g}", f"{r.q50:,.4g}", f"{r.q95:,.4g}"] for r in s.itertuples()]
    con.print(table(f"Monte Carlo: {result.scenarios:,} scenarios, seed {result.seed} ({result.runner}, "
                    f"{result.seconds:.2f} s)", ["output", "mean", "5%", "50%", "95%"], rows,
                    right={"mean", "5%", "50%", "95%"}))
    c = result.companies
    c = c[(c["mean_loss"] > 0) & ~c["failed"]].head(top)
    rows = [[r.name + (" *" if r.buffer_flag == "missing" else ""), money(r.mean_loss), money(r.q05), money(r.q50),
             money(r.q95), f"{r.p_default:.1%}"] for r in c.itertuples()]
    con.print(table("Company losses (USD bn)", ["company", "mean", "5%", "50%", "95%", "P(default)"], rows,
                    right={"mean", "5%", "50%", "95%", "P(default)"}))
    note = _flag_note(result.flagged)
    if note:
        con.print(f"* {note}", markup=False, soft_wrap=True)


@app.command()
def systemic(
    recovery: Recovery = 0.0,
    substitution: Substitution = 0.0,
    lag_quarters: Lag = 0,
    model: Model = "debtrank",
    variant: Variant = "battiston2012",
    threshold: Threshold = 1.0,
    alpha: Alpha = 1.0,
    beta: Beta = 1.0,
    external_assets: External = None,
    as_of: AsOfOption = None,
    amount: Amount = "high",
    buffer: Buffer = "market_value",
    missing_buffer: Missing = "infinite",
    include_warrants: Warrants = False,
    status: Status = None,
    horizon_months: Horizon = 24,
    top: Top = 20,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Too big to fail: each company failing alone, ranked by the loss it causes others."""
    from ..stress.scenario import systemic as run_systemic

    ledger = open_ledger(db)
    result = run_systemic(ledger, recovery=recovery, substitution=substitution, lag_quarters=lag_quarters,
                          model=model, variant=variant, threshold=threshold, alpha=alpha, beta=beta,
                          external_assets=external_assets,
                          **_view(as_of, amount, buffer, missing_buffer, include_warrants, status, horizon_months))
    if json:
        emit_json(result.to_dict())
        return
    t = result.table.head(top)
    rows = [[str(r.rank), r.name + (" *" if r.buffer_flag == "missing" else ""), money(r.total_loss),
             money(r.direct_loss), money(r.indirect_loss),
             "—" if r.debtrank != r.debtrank else f"{r.debtrank:.4f}", str(r.defaults), str(r.distressed),
             f"{r.largest_victim} ({money(r.largest_victim_loss)})" if r.largest_victim else ""]
            for r in t.itertuples()]
    con = console()
    con.print(table(f"{result.caption} (USD bn, {model})",
                    ["#", "company", "loss caused", "direct", "indirect", "DebtRank", "defaults", "hit",
                     "largest victim"], rows,
                    right={"#", "loss caused", "direct", "indirect", "DebtRank", "defaults", "hit"}))
    note = _flag_note(result.flagged)
    if note:
        con.print(f"* {note}", markup=False, soft_wrap=True)
