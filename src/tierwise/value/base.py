"""The estimator contract shared by the value models (BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma).

``__init__`` stores parameters and does nothing else; ``fit`` validates its data, compresses it to unique
rows, maximises the likelihood (:meth:`Estimator._estimate`, the one place that does) and sets
``params_``, ``stderr_``, ``loglik_`` and ``fit_info_``. A fit that is doubtful (no convergence, a
parameter on the search bound, undefined standard errors) lists why in ``fit_info_.warnings`` and
issues each as a :class:`~tierwise.errors.ModelWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tierwise.errors import ModelError, ModelWarning
from tierwise.i18n import Message
from tierwise.value.fitting import FitInfo, compress, fit_warnings, maximize, standard_errors

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def summary_arrays(data: Any, recency: Any = None, T: Any = None, *, min_rows: int = 1) -> Arrays:
    """``(frequency, recency, T)`` as float arrays from a summary frame or three array-likes, validated.

    Invalid rows raise :class:`ModelError` naming the rule, how many rows break it and the first ones.
    """
    if recency is None and T is None:
        if not isinstance(data, pd.DataFrame):
            raise ModelError(Message("pass a summary frame with frequency, recency and T, or the three arrays"))
        missing = [c for c in ("frequency", "recency", "T") if c not in data.columns]
        if missing:
            raise ModelError(
                Message(
                    "the summary lacks column(s) %(missing)s; it has %(columns)s",
                    {"missing": ", ".join(missing), "columns": ", ".join(map(str, data.columns))},
                )
            )
        x, t_x, big_t = data["frequency"], data["recency"], data["T"]
    else:
        x, t_x, big_t = data, recency, T
    x, t_x, big_t = (np.asarray(v, dtype=float).ravel() for v in (x, t_x, big_t))
    if not len(x) == len(t_x) == len(big_t):
        raise ModelError(
            Message(
                "frequency, recency and T differ in length: %(x)s, %(t_x)s, %(big_t)s",
                {"x": len(x), "t_x": len(t_x), "big_t": len(big_t)},
            )
        )
    if len(x) < min_rows:
        raise ModelError(
            Message("at least %(min_rows)s customer(s) needed to fit, got %(x)s", {"min_rows": min_rows, "x": len(x)})
        )
    checks = (
        (
            ~np.isfinite(x) | ~np.isfinite(t_x) | ~np.isfinite(big_t),
            Message("frequency, recency and T must be finite numbers"),
        ),
        ((x < 0) | (x != np.floor(x)), Message("frequency must be a whole number ≥ 0")),
        ((t_x < 0) | (t_x > big_t), Message("recency must be between 0 and T")),
        ((x == 0) & (t_x != 0), Message("recency must be 0 when frequency is 0")),
    )
    for bad, rule in checks:
        if bad.any():
            rows = np.flatnonzero(bad)
            raise ModelError(
                Message(
                    "%(rule)s: %(rows)s row(s) break it, first at position(s) %(first)s",
                    {"rule": rule, "rows": len(rows), "first": rows[:5].tolist()},
                )
            )
    return x, t_x, big_t


def with_x_index(data: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """``data`` followed by the distinct frequencies and each row's index into them.

    The gamma-function terms of the likelihoods depend on the frequency alone, which takes few
    distinct values: they are computed once per value and gathered.
    """
    ux, inv = np.unique(data[0], return_inverse=True)
    return (*data[:3], ux, inv.ravel())


def x_index(data: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct frequencies and row index of ``data`` (computed here if ``data`` lacks them)."""
    if len(data) >= 5:
        return data[3], data[4]
    return with_x_index(data)[3:5]


class Estimator:
    """Base of the value models: the likelihood hooks, the one maximum-likelihood fit, the fitted state."""

    PARAM_NAMES: tuple[str, ...] = ()

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = penalizer_coef

    # -- subclass hooks -------------------------------------------------------------------------
    @staticmethod
    def _loglik_rows(params: np.ndarray, data: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    _grad_rows: Any = None  # per-row gradient in the natural parameters, or None for central differences
    _loglik_and_grad: Any = None  # both from one pass, where the model has it

    def _estimate(
        self, unique: tuple[np.ndarray, ...], weights: np.ndarray, starts: Sequence[Sequence[float]], n_rows: int
    ) -> tuple[np.ndarray, np.ndarray, float, FitInfo]:
        """Maximise the likelihood on compressed rows; (params, standard errors, log-likelihood, info)."""
        if self.penalizer_coef < 0:
            raise ModelError(
                Message("penalizer_coef must be ≥ 0, not %(penalizer_coef)s", {"penalizer_coef": self.penalizer_coef})
            )
        try:
            params, loglik, info = maximize(
                self._loglik_rows,
                self._grad_rows,
                unique,
                weights,
                starts,
                self.penalizer_coef,
                n_rows=n_rows,
                loglik_and_grad=self._loglik_and_grad,
            )
        except FloatingPointError as exc:
            raise ModelError(
                Message("%(name)s cannot be fitted to this data: %(exc)s", {"name": type(self).__name__, "exc": exc})
            ) from None
        stderr, info.hessian_ok = standard_errors(
            self._loglik_rows, self._grad_rows, params, unique, weights, self.penalizer_coef
        )
        info.warnings = fit_warnings(self.PARAM_NAMES, params, stderr, info)
        return params, stderr, loglik, info

    def _set_fit(self, params: np.ndarray, stderr: np.ndarray, loglik: float, info: FitInfo) -> None:
        """Store the fitted state; warn about everything that makes the fit doubtful."""
        self.params_ = dict(zip(self.PARAM_NAMES, map(float, params), strict=True))
        self.stderr_ = dict(zip(self.PARAM_NAMES, map(float, stderr), strict=True))
        self.loglik_ = loglik
        self.fit_info_: FitInfo = info
        for message in info.warnings:
            warnings.warn(
                ModelWarning(Message("%(name)s: %(problem)s", {"name": type(self).__name__, "problem": message})),
                stacklevel=3,
            )

    def _params(self) -> tuple[float, ...]:
        if not hasattr(self, "params_"):
            raise ModelError(Message("%(name)s is not fitted yet: call fit() first", {"name": type(self).__name__}))
        return tuple(self.params_[n] for n in self.PARAM_NAMES)

    def __repr__(self) -> str:
        if hasattr(self, "params_"):
            fitted = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            return f"{type(self).__name__}({fitted}, loglik={self.loglik_:.2f})"
        return f"{type(self).__name__}(penalizer_coef={self.penalizer_coef})"


class PurchaseModel(Estimator):
    """Base of the purchase-count models; subclasses define the likelihood and the predictions."""

    def _starts(self, data: Arrays, weights: np.ndarray) -> list[list[float]]:
        x, _, big_t = data[:3]
        rate = max(float(weights @ x) / float(weights @ big_t), 1e-3)  # repeat purchases per period
        return [[1.0] * len(self.PARAM_NAMES), self._scaled_start(rate)]

    def _scaled_start(self, rate: float) -> list[float]:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- the contract ---------------------------------------------------------------------------
    def fit(self, data: Any, recency: Any = None, T: Any = None, *, starts: Sequence[Sequence[float]] | None = None):
        """Fit by maximum likelihood to a summary (frame or three arrays); returns ``self``.

        Every customer's ``T`` being 0 (all of them first bought on the last day) is a :class:`ModelError`:
        there is no time in which to observe a purchase rate.
        """
        arrays = summary_arrays(data, recency, T)
        if not np.any(arrays[2] > 0):
            raise ModelError(
                Message(
                    "every customer's observation time T is 0 (all first purchases on the as-of day): there is no "
                    "time to fit a purchase rate on; choose a later as-of date"
                )
            )
        unique, weights = compress(*arrays)
        unique = with_x_index(unique)
        tried = list(starts) if starts is not None else self._starts(unique, weights)
        self._set_fit(*self._estimate(unique, weights, tried, len(arrays[0])))
        return self

    def loglik_rows(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Each customer's log-likelihood under the fitted parameters."""
        data = summary_arrays(frequency, recency, T)
        return self._loglik_rows(np.array(self._params()), data)
