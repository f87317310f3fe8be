"""Correct the derivation text of OpenAI's implied 2025-Q3 loss.

The research note said the $11.5B came from "$4.1B pre-tax at ~27-32.5%", but 11.5 is the
after-tax $3.1B hit divided by the post-recapitalisation 27% stake (3.1 / 0.27 = 11.48), as
The Register computed it and METHODS.md 8.3 explains; the pre-tax $4.1B at 32.5% gives about
$12.6B instead. The value itself is unchanged.
"""

from _batch import Batch

b = Batch(
    "2026-11-26-10", "2026-11-26",
    "Corrected the derivation text of OpenAI's implied 2025-Q3 loss",
    "the text named the pre-tax figure, but 11.5 is the after-tax $3.1B divided by the 27% stake",
    __file__,
)
note = ("Q3 2025 (quarter to 2025-09-30): Microsoft's $3.1B after-tax equity-method hit divided by its "
        "~27% post-recapitalisation stake (3.1 / 0.27 = 11.5), as computed by The Register; the pre-tax "
        "$4.1B at the 32.5% pre-recap stake would give about 12.6. Derived, not reported by OpenAI.")
b.amend("facts", "openai/net_loss_implied/2025-09-30", {"derivation": note, "notes": note},
        source="src-3af17f7107ac", reason="derivation text corrected (METHODS.md 8.3)")
b.finish()
