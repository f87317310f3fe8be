"""loopledger.stresstest: what breaks if one player fails (docs/stress.md, docs/methods.md 5-6).

``params`` (:class:`~loopledger.stresstest.params.StressParams`, every option declared once),
``exposures`` (deal legs -> obligations, stakes, backstops and buffers), ``clearing``
(Eisenberg-Noe / Rogers-Veraart), ``debtrank`` (Battiston 2012 and the linear rule of Bardoscia
2015), ``cascade`` (Furfine), ``shocks`` (failures, backstops, substitution as batched loss
matrices), ``scenario`` (:func:`~loopledger.stresstest.scenario.stress`,
:func:`~loopledger.stresstest.scenario.systemic`), ``montecarlo`` and ``distributed`` (Dask).
"""
