"""loopledger.stresstest: what breaks if one player fails (docs/stress.md, docs/methods.md 5-6).

``params`` (:class:`~loopledger.stresstest.params.StressParams`, every option declared once),
``assumptions`` (every stated default with its source), ``exposures`` (deal legs -> obligations,
stakes, backstops and buffers), ``losses`` (the economic loss components), ``reconfiguration``
(who absorbs a failed company's business), ``clearing`` (Eisenberg-Noe / Rogers-Veraart),
``debtrank`` (Battiston 2012 and the linear rule of Bardoscia 2015), ``cascade`` (Furfine),
``shocks`` (leg values on both loss bases, backstops and secured lending, batched), ``waves``
(a cascade that reacts to every default), ``scenario`` (:func:`~loopledger.stresstest.scenario.stress`,
:func:`~loopledger.stresstest.scenario.systemic`), ``rescue`` (the cheapest support that prevents
knock-on defaults), ``wording`` (what every output states), ``montecarlo`` and ``distributed``
(Dask).
"""
