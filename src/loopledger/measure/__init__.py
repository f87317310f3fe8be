"""loopledger.measure (see its modules).

The package is also callable: importing any of its modules binds this package to the name
``loopledger.measure``, which would otherwise hide the headline function of the same name
(``loopledger._LAZY``). Calling the package calls :func:`loopledger.measure.headline.measure`,
so ``loopledger.measure(ledger, ...)`` works whatever was imported first.
"""

import sys as _sys
import types as _types


class _CallablePackage(_types.ModuleType):
    def __call__(self, *args, **kwargs):
        from .headline import measure

        return measure(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallablePackage
