"""loopledger.stress: who bears the loss when a player fails (docs/stress.md).

Modules: ``clearing`` (Eisenberg-Noe / Rogers-Veraart), ``debtrank`` (Battiston 2012 and the
linear rule of Bardoscia 2015), ``cascade`` (Furfine), ``exposure`` (deals -> exposures and
buffers), ``shocks`` (failures, backstops, substitution as batched loss matrices),
``scenario`` (``stress``, ``systemic``), ``montecarlo`` and ``distributed`` (Dask).

The public function ``loopledger.stress`` shares its name with this package: once any
``loopledger.stress.*`` module has been imported, Python binds ``loopledger.stress`` to the
package. The package is therefore callable and forwards the call to
:func:`loopledger.stress.scenario.stress`, so ``loopledger.stress(ledger, fail=[...])`` works
whatever was imported first.
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from .scenario import stress

        return stress(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
