"""The shape every result takes: a small frozen dataclass with ``to_frame``, ``to_dict`` and
``_repr_html_``.

Functions compute and return results; printing, plotting and serialising are the caller's
business. ``to_dict`` gives JSON-ready values (numpy scalars and NaN become Python numbers and
None), which the CLI's ``--json`` and the web API both use.
"""

from __future__ import annotations

import dataclasses
import html
import math
import sys
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# numpy and pandas are imported where a value needs them, so that importing this module (which
# every command does) costs nothing: `loopledger --help` must start in a fraction of a second


def jsonable(value: Any) -> Any:
    """Plain JSON values from numpy / pandas / dataclass values; NaN and NaT become None."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict"):
            return value.to_dict()
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    # a numpy or pandas value can only exist once its library is imported: plain values (the
    # CLI's rows) are converted without importing either
    if "numpy" not in sys.modules and "pandas" not in sys.modules:
        return value
    import numpy as np

    # pandas only if it is loaded: `cycles --edges` has numpy values and never imports pandas
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if pd is not None and isinstance(value, pd.Series):
        return jsonable(value.to_dict())
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if pd is None:
        if isinstance(value, (np.datetime64, np.timedelta64)) and np.isnat(value):
            return None
        return value
    if value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def frame_html(frame: pd.DataFrame, caption: str | None = None, max_rows: int = 50) -> str:
    """An HTML table for notebooks, with an optional caption."""
    body = frame.head(max_rows).to_html(index=False, na_rep="—", float_format=lambda x: f"{x:,.4g}")
    cap = f"<p><strong>{html.escape(caption)}</strong></p>" if caption else ""
    more = (
        f"<p><em>{len(frame) - max_rows} more rows: use .to_frame()</em></p>"
        if len(frame) > max_rows
        else ""
    )
    return cap + body + more


class Result:
    """Mixin for result dataclasses. Subclasses implement ``to_frame`` and may override
    ``caption``."""

    caption: str = ""

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if f.name.startswith("_"):
                continue
            out[f.name] = jsonable(getattr(self, f.name))
        return out

    def _repr_html_(self) -> str:
        return frame_html(self.to_frame(), self.caption or type(self).__name__)
