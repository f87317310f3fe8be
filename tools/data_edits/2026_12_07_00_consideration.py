"""What changes hands: the new ``consideration`` field (issue 11), and the deposit kind.

Until now three modules found "no cash changes hands" by searching the amount note for
"all-stock". The note's own words are turned into the field here, only where the recorded
note or the deal's sources say it; everywhere else the field stays blank (the kind's usual
form: cash for purchases, investments and loans). Warrants and equity grants move no cash by
their kind; they are marked ``stock`` where the note says shares are handed over. Nvidia's
$150M deposit to Crusoe becomes the new ``deposit`` kind (it was ``other`` with "deposit" in
its note, which the stress model read out of the text). Each amendment cites the deal's own
first source, which states the terms quoted.
"""

from _batch import Batch

b = Batch(
    "2026-12-07-00", "2026-12-07",
    "Deals record what changes hands (consideration), and deposits get their own kind",
    "meaning was read out of free-text notes ('all-stock', 'deposit'); the vocabulary now declares "
    "it once and the notes' words become fields",
    __file__,
)

#: deal id -> (consideration, the words of the note or source that say so)
CONSIDERATION = {
    "crwv-corz-acquisition": ("stock", "all-stock: 0.1235 CoreWeave shares per Core Scientific share"),
    "spacex-xai-acquisition": ("stock", "all-stock: 0.1433 SpaceX share per xAI share"),
    "sb-ampere-6.5b": ("cash", "all-cash acquisition"),
    "blueowl-hyperion-jv": ("cash", "about $7B of cash for 80% of the joint venture"),
    "aker-nscale-285m": ("mixed", "cash plus a contribution of the Narvik land"),
    "nvda-groq-20b": ("mixed", "about $13B paid upfront and the rest over the following months, "
                               "including employee stock"),
    "amd-openai-warrant": ("stock", "a warrant for AMD shares; no cash"),
    "amd-meta-warrant": ("stock", "a warrant for AMD shares; no cash"),
    "cerebras-openai-warrant": ("stock", "a warrant for Cerebras shares at a near-zero strike"),
    "cipher-goog-warrant": ("stock", "warrants for Cipher shares"),
    "terawulf-goog-warrant": ("stock", "warrants for TeraWulf shares"),
}

for deal_id, (consideration, words) in CONSIDERATION.items():
    d = b.get("deals", deal_id)
    if d.consideration != consideration:
        b.amend("deals", deal_id, {"consideration": consideration}, source=d.sources[0],
                reason=f"consideration: {words}")

d = b.get("deals", "nvda-crusoe-deposit")
if d.kind != "deposit":
    b.amend("deals", "nvda-crusoe-deposit", {"kind": "deposit"}, source=d.sources[0],
            reason="a $150M deposit: the new deposit kind (owed back until delivery)")
b.finish()
