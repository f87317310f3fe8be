"""Status histories in date order: withdraw the conversion's out-of-order repeats and give the
remaining repeats a reason.

The conversion made a row's last event from the research ``status_date`` even when it only
repeated the first event's status. Where that date was *less precise* than the announcement
(``2025-09`` after ``2025-09-25``) the repeat sorts before the event it repeats, so the history
is out of date order; it says nothing new and is retracted (kept, out of every view). Where the
repeat is later, it is a real piece of information (a later report still gives the status) and
keeps its place, with that said in its note, so that no event follows a final state
(funded, cancelled_stalled) without a reason.
"""

from __future__ import annotations

from _batch import Batch
from loopledger.ledger.dates import PartialDate

REPEAT_NOTE = ("status confirmed by a later report (the research row's status date); "
               "no change of status")


def main() -> None:
    b = Batch(
        "2026-11-26-02", "2026-11-26",
        "Status histories in date order: conversion repeats withdrawn or explained",
        "A repeat of the same status dated less precisely than the event it repeats sorts "
        "before it and adds nothing; later repeats are confirmations and now say so, so that "
        "no event follows a final state without a reason",
        __file__,
    )
    events = b.ledger.events()
    for deal, grp in events.groupby("deal"):
        rows = sorted(grp.to_dict(orient="records"), key=lambda r: int(r["id"].rsplit("/", 1)[1]))
        for prev, cur in zip(rows, rows[1:]):
            if cur["status"] != prev["status"] or isinstance(cur["note"], str):
                continue
            p, c = PartialDate.parse(prev["date"]), PartialDate.parse(cur["date"])
            if c.start < p.start or (c.start <= p.start and c.end >= p.end and c.precision != p.precision):
                why = (f"conversion artefact: repeats the status of {prev['id']} "
                       f"({prev['date']}) with a less precise date ({cur['date']})")
                # events have no retraction-reason field: the reason goes in the note too
                b.amend("events", cur["id"], {"note": f"withdrawn: {why}"},
                        source=cur["sources"][0]["id"], reason=why)
                b.retract("events", cur["id"], why)
            else:
                b.amend("events", cur["id"], {"note": REPEAT_NOTE}, source=cur["sources"][0]["id"],
                        reason="explain a repeated status")
    b.finish()


if __name__ == "__main__":
    main()
