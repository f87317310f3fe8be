"""Parameter sets: a model's options declared once, for the Python API, the CLI and the web.

A parameter set is a frozen dataclass whose fields are declared with :func:`param`: the
default, a one-line help text, the unit and the allowed range or choices. From that one
declaration come

* the checks (:meth:`ParamSet.of` builds a set from keyword options and raises a
  :class:`~loopledger.errors.LedgerError` naming the option and what it accepts);
* the API signature: :func:`with_params` gives a function the parameters of its sets as
  keyword arguments, so ``help()`` and ``inspect.signature`` show each with its default;
* the CLI options (:func:`cli_parameters`, one ``--option-name`` per field, same name and unit
  as the API's parameter);
* the web request fields (:func:`request_fields`, for a pydantic model).

Mapping-valued options (``{company: share}``) take ``KEY=VALUE`` items on the command line.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from .errors import LedgerError

P = TypeVar("P", bound="ParamSet")


def param(default: Any, help: str, *, unit: str = "", ge: float | None = None, le: float | None = None,
          gt: float | None = None, choices: tuple[str, ...] | None = None, number_ok: bool = False,
          mapping: str | None = None, flag: str | None = None, web: bool = True) -> Any:
    """A field of a parameter set.

    ``choices``: the allowed text values (``number_ok``: a positive number is allowed too);
    ``mapping``: the key of a ``{key: number}`` option ("company", "kind", "deal") whose values
    are checked against ``ge``/``le``; ``flag``: the CLI name when it is not ``--field-name``;
    ``web``: whether the web request offers it."""
    meta = dict(help=help, unit=unit, ge=ge, le=le, gt=gt, choices=choices, number_ok=number_ok,
                mapping=mapping, flag=flag, web=web)
    if isinstance(default, (dict, list, set)):
        frozen = type(default)(default)
        return field(default_factory=lambda: type(frozen)(frozen), metadata=meta)
    return field(default=default, metadata=meta)


def same_param(cls: type[ParamSet], name: str) -> Any:
    """The field ``name`` of the set ``cls`` (default and declaration), for another set that
    takes the same option: the option is still declared once."""
    f = next(f for f in dataclasses.fields(cls) if f.name == name)
    if f.default_factory is not dataclasses.MISSING:
        return field(default_factory=f.default_factory, metadata=f.metadata)
    return field(default=f.default, metadata=f.metadata)


@dataclass(frozen=True)
class ParamSet:
    """Base of the parameter sets; subclasses declare fields with :func:`param`."""

    #: how the set is named in messages ("stress option")
    what: ClassVar[str] = "option"

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def of(cls: type[P], given: P | None = None, **options: Any) -> P:
        """A checked set from keyword options (unknown names are an error), starting from
        ``given`` when one is passed."""
        unknown = sorted(set(options) - set(cls.names()))
        if unknown:
            raise LedgerError(f"unknown {cls.what}(s) {', '.join(unknown)}: expected {', '.join(cls.names())}")
        base = dataclasses.asdict(given) if given is not None else {}
        base.update(options)
        out = cls(**base)
        out.check()
        return out

    def check(self) -> None:
        """Check every field against its declaration (and :meth:`check_more`)."""
        for f in dataclasses.fields(self):
            _check_value(self.what, f.name, getattr(self, f.name), f.metadata)
        self.check_more()

    def check_more(self) -> None:
        """Checks that involve several fields (subclasses override)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}


def field_default(f: dataclasses.Field) -> Any:
    """A field's default value (a fresh one for a default factory)."""
    if f.default is not dataclasses.MISSING:
        return f.default
    factory: Any = f.default_factory
    return factory()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _check_range(what: str, name: str, x: float, meta: Mapping[str, Any]) -> None:
    if not math.isfinite(x):
        raise LedgerError(f"{name}: {x!r} is not a finite number")
    lo, hi, gt = meta.get("ge"), meta.get("le"), meta.get("gt")
    if lo is not None and x < lo or hi is not None and x > hi or gt is not None and x <= gt:
        bounds = " and ".join(b for b in (
            f">= {lo:g}" if lo is not None else "", f"> {gt:g}" if gt is not None else "",
            f"<= {hi:g}" if hi is not None else "") if b)
        raise LedgerError(f"{name} must be {bounds}, got {x:g}")


def _check_value(what: str, name: str, value: Any, meta: Mapping[str, Any]) -> None:
    if value is None:
        return
    if meta.get("mapping"):
        if isinstance(value, Mapping):
            for key, x in value.items():
                num = _number(x)
                if num is None:
                    raise LedgerError(f"{name}[{key}]: {x!r} is not a number")
                _check_range(what, f"{name}[{key}]", num, meta)
            return
        if meta.get("choices") and isinstance(value, str):
            pass  # a text choice instead of a mapping (external_assets='cash')
        elif _number(value) is not None and meta.get("number_ok"):
            _check_range(what, name, float(value), meta)
            return
        elif meta.get("choices") is None:
            raise LedgerError(f"{name}: expected a mapping {{{meta['mapping']}: value}}, got {value!r}")
    choices = meta.get("choices")
    if choices is not None:
        if isinstance(value, str) and value in choices:
            return
        num = _number(value)
        if meta.get("number_ok") and num is not None:
            if not (math.isfinite(num) and num > 0):
                raise LedgerError(f"{name}: a number must be positive, got {num:g}")
            return
        also = " or a positive number" if meta.get("number_ok") else ""
        raise LedgerError(f"{name}: unknown value {value!r}: expected {', '.join(choices)}{also}")
    num = _number(value)
    if num is not None:
        _check_range(what, name, num, meta)


# -- the API signature ---------------------------------------------------------------------------


def with_params(*sets: type[ParamSet], view: Mapping[str, Any] | None = None,
                extra: tuple[inspect.Parameter, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a function ``f(positional..., **options)`` the keyword parameters of its sets (and
    the view options named in ``view``, with their defaults) in its signature and its
    docstring, so ``help()`` shows each option with its default. The function itself still
    receives ``**options``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(fn)
        head = [p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        kw = [p for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY]
        seen = {p.name for p in head + kw}
        params = list(head) + [p for p in kw]
        lines = []
        for name, default in (view or {}).items():
            if name not in seen:
                params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default))
                seen.add(name)
        for cls in sets:
            for f in dataclasses.fields(cls):
                if f.name in seen:
                    continue
                seen.add(f.name)
                default = field_default(f)
                params.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default))
                unit = f" ({f.metadata['unit']})" if f.metadata.get("unit") else ""
                lines.append(f"    {f.name} : default {default!r}{unit}\n        {f.metadata['help']}")
        params += [p for p in extra if p.name not in seen]
        fn.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        if lines:
            names = ", ".join(c.__name__ for c in sets)
            fn.__doc__ = (fn.__doc__ or "") + f"\n\n    Options ({names})\n    -------\n" + "\n".join(lines) + "\n"
        return fn

    return wrap


def split_options(options: Mapping[str, Any], *sets: type[ParamSet], view_names: tuple[str, ...] = ()
                  ) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    """Sort keyword options into one dict per set and one for the view; the names that fit
    nowhere come back last."""
    parts: list[dict[str, Any]] = [{} for _ in sets]
    view: dict[str, Any] = {}
    unknown = []
    for name, value in options.items():
        for i, cls in enumerate(sets):
            if name in cls.names():
                parts[i][name] = value
                break
        else:
            if name in view_names:
                view[name] = value
            else:
                unknown.append(name)
    return parts, view, unknown


# -- the CLI -------------------------------------------------------------------------------------


def item_form(meta: Mapping[str, Any]) -> str:
    """How a mapping option's items are written: COMPANY=SHARE, DEAL=USD_BN, KIND=SHARE ..."""
    value = {"fraction": "SHARE", "USD bn": "USD_BN"}.get(meta.get("unit", ""), "VALUE")
    return f"{meta['mapping'].upper()}={value}"


def cli_flag(name: str, meta: Mapping[str, Any]) -> str:
    return meta.get("flag") or "--" + name.replace("_", "-")


def parse_cli_value(name: str, raw: Any, meta: Mapping[str, Any], default: Any) -> Any:
    """The API value of a CLI option: ``KEY=VALUE`` items become a mapping, a number given to
    a text-or-number option becomes a float."""
    flag = cli_flag(name, meta)
    if meta.get("mapping"):
        items = raw or []
        if len(items) == 1 and "=" not in items[0]:
            single = items[0]
            if meta.get("choices") and single in meta["choices"]:
                return single
            try:
                return float(single)
            except ValueError:
                raise LedgerError(f"{flag} takes {item_form(meta)} (repeatable)"
                                  f"{' or one of ' + ', '.join(meta['choices']) if meta.get('choices') else ''}"
                                  f", got '{single}'") from None
        out: dict[str, float] = {}
        for item in items:
            key, sep, value = str(item).rpartition("=")
            try:
                out[key] = float(value)
            except ValueError:
                sep = ""
            if not sep or not key:
                raise LedgerError(f"{flag} takes {item_form(meta)}, got '{item}'")
        return out if out else default
    if meta.get("number_ok") and isinstance(raw, str):
        try:
            return float(raw)
        except ValueError:
            return raw
    return raw


def field_type(cls: type[ParamSet], f: dataclasses.Field) -> Any:
    """The declared type of a field, resolved (``int | None`` -> ``Optional[int]``)."""
    hints = _TYPE_HINTS.get(cls)
    if hints is None:
        import typing

        hints = _TYPE_HINTS[cls] = typing.get_type_hints(cls)
    return hints[f.name]


#: each set's resolved annotations: get_type_hints evaluates every annotation of the class, and
#: the CLI asks for each field of each set while its commands register (at every start-up)
_TYPE_HINTS: dict[type, dict[str, Any]] = {}


def cli_type(cls: type[ParamSet], f: dataclasses.Field) -> Any:
    """The Python type Typer reads a field as: ``KEY=VALUE`` items for mappings, text for an
    option that takes a word or a number, else the declared type."""
    from typing import Any as AnyType
    from typing import Optional

    if f.metadata.get("mapping"):
        return Optional[list[str]]
    hint = field_type(cls, f)
    default = f.default if f.default is not dataclasses.MISSING else None
    if f.metadata.get("number_ok") or f.metadata.get("choices") or hint is AnyType:
        return Optional[str] if default is None else str
    return hint


def cli_parameters(*sets: type[ParamSet], skip: tuple[str, ...] = ()) -> list[inspect.Parameter]:
    """Typer parameters (``Annotated[type, typer.Option(...)]``) for every field of the sets."""
    from typing import Annotated

    import typer

    out = []
    for cls in sets:
        for f in dataclasses.fields(cls):
            if f.name in skip:
                continue
            meta = f.metadata
            help_text = meta["help"] + (f" [{meta['unit']}]" if meta.get("unit") else "")
            if meta.get("mapping"):
                help_text += f" {item_form(meta)}, repeatable."
            if meta.get("choices"):
                help_text += f" One of: {', '.join(meta['choices'])}" + (" or a number." if meta.get("number_ok") else ".")
            typ = cli_type(cls, f)
            default = None if meta.get("mapping") else (f.default if f.default is not dataclasses.MISSING else None)
            if isinstance(default, (int, float)) and not isinstance(default, bool) and typ is str:
                default = str(default)
            flag = cli_flag(f.name, meta)
            decl = f"{flag}/--no-{flag[2:]}" if typ is bool else flag
            out.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                         annotation=Annotated[typ, typer.Option(decl, help=help_text)]))
    return out


def from_cli(cls: type[P], values: Mapping[str, Any]) -> P:
    """A parameter set from the values Typer parsed for :func:`cli_parameters`."""
    options = {}
    for f in dataclasses.fields(cls):
        if f.name not in values:
            continue
        default = field_default(f)
        options[f.name] = parse_cli_value(f.name, values[f.name], f.metadata, default)
    return cls.of(**options)


# -- the web request -----------------------------------------------------------------------------


def request_fields(*sets: type[ParamSet]) -> dict[str, tuple[Any, Any]]:
    """pydantic ``create_model`` field definitions for every web-offered field of the sets."""
    from typing import Literal, Optional, Union

    from pydantic import Field

    out: dict[str, tuple[Any, Any]] = {}
    for cls in sets:
        for f in dataclasses.fields(cls):
            meta = f.metadata
            if not meta.get("web", True):
                continue
            default = field_default(f)
            limits = {k: meta[k] for k in ("ge", "le", "gt") if meta.get(k) is not None}
            desc = meta["help"] + (f" [{meta['unit']}]" if meta.get("unit") else "")
            if meta.get("mapping"):
                from typing import Annotated

                value_type = Annotated[float, Field(allow_inf_nan=False, **limits)]
                typ: Any = dict[str, value_type]  # type: ignore[valid-type]
                if meta.get("choices"):
                    typ = Optional[Union[Literal[meta["choices"]], typ]]  # type: ignore[valid-type]
                elif meta.get("number_ok"):
                    typ = Union[value_type, typ]  # type: ignore[valid-type]
                else:
                    typ = Optional[typ]
                out[f.name] = (typ, Field(default if not isinstance(default, dict) else None,
                                          description=desc, json_schema_extra={"maxProperties": 200},
                                          validate_default=True))
                continue
            if meta.get("choices"):
                lit: Any = Literal[meta["choices"]]  # type: ignore[valid-type]
                typ = Union[lit, float] if meta.get("number_ok") else lit
                if default is None:
                    typ = Optional[typ]
                out[f.name] = (typ, Field(default, description=desc, validate_default=True))
                continue
            typ = field_type(cls, f)
            if typ is Any:
                typ = Optional[str]
            extra: dict[str, Any] = {"allow_inf_nan": False} if typ in (float, Optional[float]) else {}
            out[f.name] = (typ, Field(default, description=desc, **limits, **extra))  # type: ignore[call-overload]
    return out
