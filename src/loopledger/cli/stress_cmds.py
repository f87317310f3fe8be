"""Stress commands: ``stress`` (one failure scenario, or its Monte Carlo with ``--scenarios``),
``systemic`` (the "too big to fail" table) and ``sensitivity`` (which assumptions drive a
scenario). Option for option the same calls as ``loopledger.stress(...)``,
``loopledger.monte_carlo(...)``, ``loopledger.systemic(...)`` and ``loopledger.sensitivity(...)``."""

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
        if name in ("stress", "sensitivity") else []
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
            + "; ".join(missing["name"].tolist()))  # "; ": some names hold a comma


#: component columns of the stress table: (header, components summed)
_COMPONENT_COLUMNS = (
    ("owed", ("due_within_horizon",)),
    ("stakes", ("stake_writedown",)),
    ("margin", ("lost_margin",)),
    ("stranded", ("stranded_assets",)),
    ("secured rec.", ("secured_recovery",)),
    ("guaranteed", ("guarantee_paid",)),
    ("other", ("secured_lending", "guarantee_payout", "lost_funding", "face_value")),
)


def _state(r) -> str:
    if r.failed:
        return "failed"
    if r.state == "defaulted":
        return f"defaulted (wave {r.wave})"
    return {"no_buffer": "no buffer", "ok": ""}.get(r.state, r.state)


def _pct(x) -> str:
    return "—" if x != x else f"{x:.1%}"


def _print_stress(result, top: int) -> None:
    con = console()
    c = result.companies
    hit = c[(c["loss"].fillna(0) > 0) | (c["loss_gross"].fillna(0) > 0) | (c["shock_loss"].fillna(1) > 0)].head(top)
    economic = result.loss_basis == "economic"
    other = "gross" if economic else "economic"
    cols = ["company", "buffer", "loss", other, "loss/buffer", "state"]
    if economic:
        cols += [h for h, _ in _COMPONENT_COLUMNS]
    rows = []
    for r in hit.itertuples():
        buf = "∞" if r.buffer == float("inf") else money(r.buffer)
        row = [r.name + (" *" if r.buffer_flag == "missing" else ""), buf, money(r.loss),
               money(r.loss_gross if economic else r.loss_economic), _pct(r.loss_share), _state(r)]
        if economic:
            row += [money(sum(getattr(r, f"component_{n}") for n in names)) for _, names in _COMPONENT_COLUMNS]
        rows.append(row)
    right = {"buffer", "loss", other, "loss/buffer", *(h for h, _ in _COMPONENT_COLUMNS)}
    con.print(table(f"{result.caption} (USD bn)", cols, rows, right=right))
    t = result.totals
    line = (f"Total loss to others {money(t['total_loss'])} {result.loss_basis} (gross bound "
            f"{money(t['total_loss_gross'])}, economic {money(t['total_loss_economic'])}); direct "
            f"{money(t['direct_loss'])}, indirect {money(t['indirect_loss'])}; {t['defaults']} defaulted, "
            f"{t['distressed']} distressed, {t['hit']} hit")
    if "R" in t:
        line += f"; DebtRank R = {t['R']:.4f}"
    con.print(line, markup=False)
    if economic:
        comp = t["components"]
        con.print("Components: " + ", ".join(f"{k.replace('_', ' ')} {money(v)}" for k, v in comp.items()
                                             if abs(v) > 0), markup=False, soft_wrap=True)
    if result.sentence:
        con.print(result.sentence, markup=False, soft_wrap=True)
    rc = result.reconfiguration
    if rc is not None and len(rc):
        rrows = [[x.role.replace("_", " "), x.company, x.from_company, x.kind, money(x.demand), money(x.absorbed),
                  money(x.earns), x.note] for x in rc.head(top).itertuples()]
        con.print(table(f"Who absorbs what (USD bn within {result.basis['horizon_months']} months)",
                        ["role", "company", "from", "kind", "freed / demand", "absorbed", "earns", "note"], rrows,
                        right={"freed / demand", "absorbed", "earns"}))
    lb = result.ltv_breaches
    if lb is not None and len(lb):
        lrows = [[str(x.loan), x.borrower_name, money(x.amount), money(x.collateral_value),
                  "—" if x.ltv != x.ltv else f"{x.ltv:.0%}", f"{x.ltv_limit:.0%} ({x.limit_basis})",
                  "breached" if x.breached else "", money(x.cure), x.note] for x in lb.head(top).itertuples()]
        con.print(table(f"Loan-to-value after a GPU price fall of {result.params.get('gpu_price_fall', 0):.0%} (USD bn)",
                        ["loan", "borrower", "loan amount", "collateral", "LTV", "limit", "breach", "cure", "note"],
                        lrows, right={"loan amount", "collateral", "LTV", "cure"}))
    if result.rescue is not None:
        _print_rescue(con, result.rescue)
    note = _flag_note(result.flagged)
    if note:
        con.print(f"* {note}", markup=False, soft_wrap=True)
    con.print(result.footer, markup=False, soft_wrap=True)


def _print_rescue(con, rescue) -> None:
    rows = [[x.name, money(x.buffer), money(x.loss_first_wave), money(x.support)] for x in rescue.recipients.itertuples()]
    if rows:
        con.print(table("What a rescue of the creditors would cost (USD bn)", ["company", "buffer", "loss", "support"],
                        rows, right={"buffer", "loss", "support"}))
    con.print(f"Rescue: support of {money(rescue.support)} to {len(rescue.recipients)} companies prevents "
              f"{rescue.defaults_without} knock-on defaults ({rescue.defaults_with} left) and changes the losses of the "
              f"others by {money(rescue.avoided_by_others)} ({'the minimum' if rescue.exact else 'an upper bound, verified'}); "
              f"paying what the failing company owes within the horizon instead would cost {money(rescue.bailout)} "
              f"and avoid all {money(rescue.bailout_avoids)} of losses. " + " ".join(rescue.notes),
              markup=False, soft_wrap=True)


def _print_monte_carlo(result, top: int) -> None:
    con = console()
    s = result.summary
    rows = [[r.output, f"{r.mean:,.4g}", f"{r.q05:,.4g}", f"{r.q50:,.4g}", f"{r.q95:,.4g}", f"{r.var:,.4g}",
             f"{r.es:,.4g}"] for r in s.itertuples()]
    level = result.params["var_level"]
    con.print(table(f"Monte Carlo: {result.scenarios:,} scenarios, seed {result.seed} ({result.runner}, "
                    f"{result.seconds:.2f} s)", ["output", "mean", "5%", "50%", "95%", f"VaR {level:.0%}",
                                                 f"ES {level:.0%}"], rows,
                    right={"mean", "5%", "50%", "95%", f"VaR {level:.0%}", f"ES {level:.0%}"}))
    c = result.companies
    c = c[(c["mean_loss"] > 0) & ~c["failed"]].head(top)
    rows = [[r.name + (" *" if r.buffer_flag == "missing" else ""), money(r.mean_loss), money(r.q05), money(r.q50),
             money(r.q95), money(r.es), f"{r.p_default:.1%}", f"{r.p_distress:.1%}"] for r in c.itertuples()]
    con.print(table(f"Company losses (USD bn, {result.loss_basis})",
                    ["company", "mean", "5%", "50%", "95%", "ES", "P(default)", "P(distress)"], rows,
                    right={"mean", "5%", "50%", "95%", "ES", "P(default)", "P(distress)"}))
    note = _flag_note(result.flagged)
    if note:
        con.print(f"* {note}", markup=False, soft_wrap=True)
    con.print(result.footer, markup=False, soft_wrap=True)


def _print_systemic(result, top: int, model: str) -> None:
    t = result.table.head(top)
    economic = result.loss_basis == "economic"
    rows = [[str(r.rank), r.name + (" *" if r.buffer_flag == "missing" else ""), money(r.total_loss),
             money(r.total_loss_gross if economic else r.total_loss_economic),
             str(r.rank_gross if economic else ""), money(r.direct_loss), money(r.indirect_loss),
             "—" if r.debtrank != r.debtrank else f"{r.debtrank:.4f}", str(r.defaults), str(r.distressed),
             f"{r.largest_victim} ({money(r.largest_victim_loss)})" if r.largest_victim else ""]
            for r in t.itertuples()]
    con = console()
    con.print(table(f"{result.caption} (USD bn, {model}, {result.loss_basis} losses)",
                    ["#", "company", "loss caused", "gross" if economic else "economic", "# gross" if economic else "",
                     "direct", "indirect", "DebtRank", "defaults", "distressed", "largest victim"], rows,
                    right={"#", "loss caused", "gross", "economic", "# gross", "direct", "indirect", "DebtRank",
                           "defaults", "distressed"}))
    note = _flag_note(result.flagged)
    if note:
        con.print(f"* {note}", markup=False, soft_wrap=True)
    con.print(result.footer, markup=False, soft_wrap=True)


_command("stress", """If these companies fail, who bears the loss? Per company: its economic loss and its
    components beside the gross bound, loss / buffer, distressed or defaulted and in which wave
    (USD bn); the market's reconfiguration (who absorbs what) and the answer in one sentence.
    With --rescue, the cheapest support that prevents every knock-on default. With --scenarios N,
    a Monte Carlo of the scenario.""", (StressParams, MonteCarloParams), _run_stress)
_command("systemic", """Too big to fail: each company failing alone, ranked by the loss it causes others.""",
         (StressParams, SystemicParams), _run_systemic)


def _run_sensitivity(values: dict[str, Any]) -> None:
    from ..stresstest.sensitivity import sensitivity

    view, params, ledger = _inputs(values)
    result = sensitivity(ledger, fail=values["fail"], params=params, view=view)
    if values["json"]:
        emit_json(result.to_dict())
        return
    con = console()
    rows = [[r.assumption.replace("_", " "), str(r.value), str(r.low), str(r.high), money(r.loss_low),
             money(r.loss_high), f"{r.swing:+,.1f}", f"{r.defaults_low} / {r.defaults_high}",
             f"{r.distressed_low} / {r.distressed_high}"] for r in result.table.head(values["top"]).itertuples()]
    con.print(table(f"{result.caption}: base {result.loss_basis} loss {money(result.base_loss)}, gross bound "
                    f"{money(result.base_gross)}, {result.base_defaults} defaulted, {result.base_distressed} distressed",
                    ["assumption", "value", "low", "high", "loss at low", "loss at high", "swing",
                     "defaults", "distressed"], rows,
                    right={"loss at low", "loss at high", "swing"}))
    for r in result.table.head(values["top"]).itertuples():
        con.print(f"  {r.assumption}: {r.why}", markup=False, soft_wrap=True)
    con.print(result.counting, markup=False, soft_wrap=True)


_command("sensitivity", """Which assumptions drive a stress result: the scenario again with each
    assumption at a low and a high value, the others held, sorted by the swing of the loss (a
    tornado table; docs/stress.md, "Sensitivity").""", (StressParams,), _run_sensitivity)
