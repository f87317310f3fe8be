"""Stress commands: ``stress`` (one failure scenario, or its Monte Carlo with ``--scenarios``)
and ``systemic`` (the "too big to fail" table). Option for option the same calls as
``loopledger.stress(...)``, ``loopledger.monte_carlo(...)`` and ``loopledger.systemic(...)``."""

from __future__ import annotations

import inspect
from typing import Annotated, Any, Optional

import typer

from ..errors import LedgerError
from ..paramsets import cli_parameters, from_cli
from ..stresstest.params import MonteCarloParams, StressParams, SystemicParams
from .app import (
    AmountOption,
    AsOfOption,
    DbOption,
    JsonOption,
    StatusesOption,
    app,
    cli_view,
    console,
    emit_json,
    money,
    open_ledger,
    table,
)

Top = Annotated[int, typer.Option(help="Rows to show in the table (all with --json).")]
FailOption = Annotated[list[str], typer.Option("--fail", help="Company that fails (name, alias, id or ticker; repeatable).")]


def _command(name: str, doc: str, sets: tuple, run) -> None:
    """Register a stress command whose options are the fields of ``sets`` (declared once in
    loopledger.stresstest.params), the view's and the CLI's own (``--top``, ``--db``,
    ``--json``)."""
    params = [inspect.Parameter("fail", inspect.Parameter.KEYWORD_ONLY, default=[], annotation=FailOption)] \
        if name == "stress" else []
    params += [
        inspect.Parameter("as_of", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=AsOfOption),
        inspect.Parameter("statuses", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=StatusesOption),
        inspect.Parameter("amount", inspect.Parameter.KEYWORD_ONLY, default="high", annotation=AmountOption),
        *[_optional_scenarios(p) for p in cli_parameters(*sets, skip=("progress",))],
        inspect.Parameter("top", inspect.Parameter.KEYWORD_ONLY, default=20, annotation=Top),
        inspect.Parameter("db", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DbOption),
        inspect.Parameter("json", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonOption),
    ]

    def command(**values: Any) -> None:
        run(values)

    command.__name__ = f"{name}_cmd"
    command.__doc__ = doc
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    app.command(name)(command)


def _optional_scenarios(p: inspect.Parameter) -> inspect.Parameter:
    """``--scenarios N`` asks for a Monte Carlo: without it the command runs one scenario."""
    if p.name != "scenarios":
        return p
    return p.replace(default=None, annotation=Annotated[Optional[int], typer.Option(
        "--scenarios", help="Run a Monte Carlo of this many scenarios (default: one deterministic scenario).")])


def _inputs(values: dict[str, Any]):
    view = cli_view(values["as_of"], values["statuses"], values["amount"])
    return view, from_cli(StressParams, values), open_ledger(values["db"])


def _run_stress(values: dict[str, Any]) -> None:
    from ..stresstest.montecarlo import monte_carlo
    from ..stresstest.scenario import stress

    view, params, ledger = _inputs(values)
    mc_given = {k: values[k] for k in MonteCarloParams.names() if k in values}
    if values["scenarios"] is not None:
        mc = from_cli(MonteCarloParams, dict(mc_given, progress=None if not values["json"] else False))
        result = monte_carlo(ledger, fail=values["fail"], params=params, mc=mc, view=view)
        if values["json"]:
            emit_json(result.to_dict())
            return
        _print_monte_carlo(result, values["top"])
        return
    defaults = MonteCarloParams()
    changed = sorted(k for k, v in mc_given.items() if v not in (None, []) and v != getattr(defaults, k))
    if changed:
        raise LedgerError(f"{', '.join('--' + k.replace('_', '-') for k in changed)}: Monte Carlo "
                          "options; add --scenarios N to run one")
    result = stress(ledger, fail=values["fail"], params=params, view=view)
    if values["json"]:
        emit_json(result.to_dict())
        return
    _print_stress(result, values["top"])


def _run_systemic(values: dict[str, Any]) -> None:
    from ..stresstest.scenario import systemic

    view, params, ledger = _inputs(values)
    where = from_cli(SystemicParams, dict({k: values[k] for k in SystemicParams.names() if k in values},
                                          progress=None if not values["json"] else False))
    result = systemic(ledger, params=params, view=view, **where.to_dict())
    if values["json"]:
        emit_json(result.to_dict())
        return
    _print_systemic(result, values["top"], params.model)


def _flag_note(flagged) -> str | None:
    missing = flagged[flagged["flag"] == "missing"]
    if missing.empty:
        return None
    return (f"{len(missing)} companies have no buffer figure and are treated per --missing-buffer: "
            + ", ".join(missing["name"].tolist()))


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


def _print_systemic(result, top: int, model: str) -> None:
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


_command("stress", """If these companies fail, who bears the loss? Per company: direct and indirect loss,
    loss / buffer, distressed or defaulted and in which round (USD bn). With --scenarios N, a
    Monte Carlo of the scenario.""", (StressParams, MonteCarloParams), _run_stress)
_command("systemic", """Too big to fail: each company failing alone, ranked by the loss it causes others.""",
         (StressParams, SystemicParams), _run_systemic)
