"""Customer value models: BG/NBD, MBG/NBD, Pareto/NBD purchase counts, Gamma-Gamma spend, CLV.

The estimators live one per module and are re-exported here; :mod:`tierwise.value.clv` turns a
transactions table into per-customer value, :mod:`tierwise.value.validation` checks a fit on a holdout
period, and :mod:`tierwise.value.atrisk` lists valuable customers who may be slipping away.
"""

from tierwise.value.bgnbd import BetaGeoFitter
from tierwise.value.gammagamma import GammaGammaFitter
from tierwise.value.mbgnbd import ModifiedBetaGeoFitter
from tierwise.value.paretonbd import ParetoNBDFitter

__all__ = ["BetaGeoFitter", "GammaGammaFitter", "ModifiedBetaGeoFitter", "ParetoNBDFitter"]
