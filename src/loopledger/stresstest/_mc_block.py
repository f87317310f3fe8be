"""How many Monte Carlo scenarios the compiled path of a plain network evaluates together
(:mod:`loopledger.stresstest._mc_core`): their (n, BLOCK) work arrays stay in the cache, the
inner loops run over a fixed width, and what a DebtRank step costs besides its sums (the
frontier and its order) is shared by the block. The draws of a chunk are made block by block
(:func:`loopledger.stresstest.montecarlo._draws`), so this number is part of what a seed means;
it lives apart so that the draws can be made without importing numba."""

BLOCK = 16
