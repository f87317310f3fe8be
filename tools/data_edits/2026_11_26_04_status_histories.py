"""Status histories: tranches paid, terms changed, rounds closed (issue 7, item 2).

New dated events with their sources where a deal's status changed after the research rows were
written (SoftBank's 2026 OpenAI tranches), ``amended`` events where the terms changed without a
change of status (Google's larger backstops, Cipher's larger Fluidstack lease, TeraWulf's second
warrant), and the primary sources of events already recorded (closings, the OpenAI round).
"""

from __future__ import annotations

from _batch import Batch
from _sources import src

#: (deal, n, date, status, source keys, note) -- new events
NEW_EVENTS = [
    ("sb-openai-30b-2026", 3, "2026-04-01", "funded_partial", ["sb_tranche2_japanco"],
     "first $10B tranche of the $30B follow-on paid through SoftBank Vision Fund 2 on 2026-04-01 "
     "(Japan time)"),
    ("sb-openai-30b-2026", 4, "2026-07-01", "funded_partial",
     ["softbank_pr_20260701", "sb_tranche2_wpnews", "sb_tranche2_japanco"],
     "second $10B tranche paid on 2026-07-01 (Japan time), funded with a bridge loan; the third "
     "$10B was scheduled for 2026-10-01 (earlier if OpenAI lists) and no source found confirms "
     "its payment"),
    ("terawulf-goog-warrant", 2, "2025-08-18", "amended", ["wulf_8k_cb5", "wulf_cb5_summary"],
     "with the CB-5 lease TeraWulf issued Google warrants for a further 32,568,197 shares at "
     "$0.01, taking Google's pro forma stake to about 14%"),
]

#: (event id, changes, source key, why) -- corrections of existing events
EVENT_CHANGES = [
    ("goog-terawulf-backstop/2", {"status": "amended",
                                  "note": "Google raised its backstop of Fluidstack's obligations by "
                                          "$1.4B to about $3.2B with the CB-5 lease (160 MW more)"},
     "wulf_cb5_summary", "the second event is a change of terms, not a repeat of the status"),
    ("goog-cipher-backstop/2", {"status": "amended",
                                "note": "Google expanded its backstop by $333M to $1.73B with the "
                                        "39 MW Phase II at Barber Lake"},
     "cifr_pr_56mw", "the second event is a change of terms, not a repeat of the status"),
    ("fluidstack-cipher-lease/2", {"status": "amended",
                                   "note": "lease amended and restated from 168 MW to 207 MW of "
                                           "critical IT load (Phase II of 39 MW, about $830M more "
                                           "over the initial term)"},
     "cifr_8k_phase2", "the second event is a change of terms, not a repeat of the status"),
    ("nvda-openai-30b/2", {"note": "OpenAI's round closed on 2026-03-31 ($122B at $852B "
                                   "post-money); when Nvidia pays is not disclosed"},
     "openai_round_852", "the 2026-03-31 event is the round's close"),
    ("sb-openai-30b-2026/2", {"note": "OpenAI's round closed on 2026-03-31; SoftBank pays its $30B "
                                      "in three $10B tranches from April"},
     "openai_round_852", "the 2026-03-31 event is the round's close"),
]

#: (event id, source key) -- primary sources of events already recorded
EVENT_SOURCES = [
    ("amzn-openai-50b/2", "openai_round_852"),
    ("nvda-intc-5b/2", "intc_nvda_close"),
    ("sb-openai-30b-2025/3", "sb_second_closing"),
    ("sb-openai-30b-2025/1", "softbank_pr_20250401"),
    ("msft-openai-revshare-reverse/2", "openai_msft_revamp"),
]


def main() -> None:
    b = Batch(
        "2026-11-26-04", "2026-11-26",
        "Status histories: SoftBank's 2026 tranches, changed backstop and lease terms, round closings",
        "As-of views must show when money moved and when terms changed; the research rows held "
        "only the latest status, and some later-dated events only repeated it",
        __file__,
    )
    for deal, n, date, status, keys, note in NEW_EVENTS:
        b.event(deal, n, date, status, [src(b, k) for k in keys], note)
    for eid, changes, key, why in EVENT_CHANGES:
        b.amend("events", eid, changes, source=src(b, key), reason=why)
    for eid, key in EVENT_SOURCES:
        b.cite("events", eid, src(b, key), reason="primary source of the event")
    b.finish()


if __name__ == "__main__":
    main()
