"""loopledger.measures: how circular is it? One module per measure (docs/methods.md 1-8).

``cycles`` (simple cycles and bottlenecks), ``circulation`` (the largest circulation, round-trip
shares), ``ena`` (Finn's cycling index), ``reciprocity`` and ``nulls`` (reciprocity and null
models), ``promises`` (paid, signed, promised), ``exposure`` (inflows against revenue, backlog
and value), ``lookthrough`` (an investee's loss backed out of its investor's filings) and
``headline`` (:func:`~loopledger.measures.headline.measure`, the few numbers a reader needs).
Each works on a :class:`~loopledger.network.FlowNetwork` or on a ledger read through a
:class:`~loopledger.ledger.view.View`.
"""
