"""The example notebook (examples/three_questions.ipynb) runs top to bottom in a fresh
kernel: results display as HTML tables and figures as images."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "three_questions.ipynb"


@pytest.mark.slow
def test_example_notebook_runs_and_displays_results(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()  # raises on any error
    shown: dict[str, set[str]] = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            kinds = {k for o in cell.outputs for k in o.get("data", {})}
            assert not [o for o in cell.outputs if o.output_type == "error"]
            shown[cell.source.splitlines()[-1]] = kinds
    tables = [s for s in shown if s.strip() in ("ledger.summary(as_of=AS_OF)", "loops", "flow", "shock")]
    assert len(tables) == 4 and all("text/html" in shown[s] for s in tables)
    figures = [s for s in shown if s.startswith("figures.")]
    assert len(figures) == 4 and all("image/png" in shown[s] for s in figures)
    assert "text/html" in shown[next(s for s in shown if "lookthrough_from_ledger" in s)]
