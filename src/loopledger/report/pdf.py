"""The PDF: the HTML report printed by headless Chromium.

Why this route: the PDF is then the same document as the HTML (figures as vectors, every link
to deals and sources still clickable), with no second layout to keep in step. Chromium is a
system program, not a Python package: loopledger looks for ``$LOOPLEDGER_CHROMIUM``, then
``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH, and says how to install it
when none is found (Debian: ``apt-get install chromium``). Nothing is fetched: the page is a
local self-contained file and Chromium runs with its background networking off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import LedgerError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium(explicit: str | None = None) -> str:
    """Path of the Chromium binary, or LedgerError saying how to get one."""
    for name in (explicit, os.environ.get("LOOPLEDGER_CHROMIUM"), *CANDIDATES):
        if name and (found := shutil.which(name)):
            return found
    raise LedgerError(
        "PDF output needs Chromium (headless, to print the HTML report): install it "
        "(Debian/Ubuntu: apt-get install chromium) or set LOOPLEDGER_CHROMIUM to its path. "
        "HTML output (-o report.html) needs nothing else.")


def html_to_pdf(html_text: str, output: str | Path, chromium: str | None = None, timeout: float = 180) -> Path:
    """Print ``html_text`` to the PDF file ``output`` with headless Chromium (A4, no header or
    footer, backgrounds kept)."""
    binary = find_chromium(chromium)
    out = Path(output).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="loopledger-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html_text, encoding="utf-8")
        target = Path(tmp) / "report.pdf"
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-extensions",
               f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", f"--print-to-pdf={target}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise LedgerError(f"Chromium did not finish printing the PDF within {timeout:.0f} s") from e
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise LedgerError(f"Chromium could not print the PDF (exit {done.returncode}): {' | '.join(tail)}")
        shutil.move(str(target), out)
    return out
