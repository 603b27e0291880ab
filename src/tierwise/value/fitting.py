"""Maximum-likelihood machinery shared by the value models.

The models hand over a vectorised per-row log-likelihood and, where it has a closed form, its gradient
in the natural parameters. This module compresses the data to unique rows with weights, maximises the
weighted mean log-likelihood over log-parameters with L-BFGS-B from several starting points, and
derives standard errors from the inverse Hessian (central differences of the gradient).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from tierwise.i18n import Message

log = logging.getLogger(__name__)

GRADIENT_TOLERANCE = 1e-5  # on the mean log-likelihood per customer, in log-parameters
LOG_BOUND = 20.0  # parameters live in [e^-20, e^20]; far beyond any fitted value in the literature

RowsFn = Callable[[np.ndarray, tuple[np.ndarray, ...]], np.ndarray]
BothFn = Callable[[np.ndarray, tuple[np.ndarray, ...]], tuple[np.ndarray, np.ndarray]]


@dataclass
class FitInfo:
    """How a fit went: convergence, the optimiser's message, and the log-likelihood of every start."""

    converged: bool
    message: str
    iterations: int
    function_evaluations: int
    gradient_norm: float
    starts: list[list[float]] = field(default_factory=list)
    start_logliks: list[float] = field(default_factory=list)
    n_rows: int = 0
    n_unique: int = 0
    hessian_ok: bool = True
    warnings: list[Message] = field(default_factory=list)  # what makes this fit doubtful, for the user


def compress(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The unique rows of ``columns`` (stacked side by side) and how often each occurs (hash grouping).

    >>> (x, t), w = compress(np.array([1, 1, 2]), np.array([3.0, 3.0, 4.0]))
    >>> x.tolist(), t.tolist(), w.tolist()
    ([1.0, 2.0], [3.0, 4.0], [2.0, 1.0])
    """
    frame = pd.DataFrame({i: np.asarray(c, dtype=float) for i, c in enumerate(columns)})
    counts = frame.groupby(list(frame.columns), sort=True).size()
    unique = counts.index.to_frame(index=False).to_numpy(dtype=float)
    return tuple(unique[:, i].copy() for i in range(unique.shape[1])), counts.to_numpy(dtype=float)


def numeric_row_gradient(loglik_rows: RowsFn, params: np.ndarray, data: tuple[np.ndarray, ...]) -> np.ndarray:
    """Per-row gradient of ``loglik_rows`` by central differences (relative steps), shape (rows, params)."""
    grads = np.empty((len(data[0]), len(params)))
    for j in range(len(params)):
        h = 1e-6 * max(abs(params[j]), 1e-8)
        up, down = params.copy(), params.copy()
        up[j] += h
        down[j] -= h
        grads[:, j] = (loglik_rows(up, data) - loglik_rows(down, data)) / (2 * h)
    return grads


def maximize(
    loglik_rows: RowsFn,
    grad_rows: RowsFn | None,
    data: tuple[np.ndarray, ...],
    weights: np.ndarray,
    starts: Sequence[Sequence[float]],
    penalizer_coef: float = 0.0,
    *,
    n_rows: int | None = None,
    loglik_and_grad: BothFn | None = None,
) -> tuple[np.ndarray, float, FitInfo]:
    """Maximise ``sum(weights * loglik_rows(params, data))``; return (params, log-likelihood, info).

    The objective is the weighted *mean* negative log-likelihood plus ``penalizer_coef * sum(params**2)``
    (lifetimes' L2 penalty), over ``log(params)``. Every start is tried; the best finite one wins.
    The returned log-likelihood is the unpenalised total. Raises nothing for data with a finite
    likelihood; a start that fails is recorded with log-likelihood ``-inf``. ``loglik_and_grad``, when
    given, returns both per-row arrays from one pass (the shared terms computed once).
    """
    total = float(weights.sum())
    grad_fn = grad_rows or (lambda p, d: numeric_row_gradient(loglik_rows, p, d))

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        with np.errstate(all="ignore"):
            if loglik_and_grad is not None:
                ll, row_grad = loglik_and_grad(params, data)
            else:
                ll, row_grad = loglik_rows(params, data), None
            value = -float(weights @ ll) / total + penalizer_coef * float(params @ params)
            if not np.isfinite(value):
                return 1e300, np.zeros_like(theta)
            if row_grad is None:
                row_grad = grad_fn(params, data)
            grad = -(weights @ row_grad) / total + 2 * penalizer_coef * params
        grad = grad * params
        if not np.all(np.isfinite(grad)):
            grad = np.nan_to_num(grad, nan=0.0, posinf=1e10, neginf=-1e10)
        return value, grad

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(starts[0])

    def run(theta0: np.ndarray, ftol: float, gtol: float):
        # L-BFGS-B works on vectors of 3-4 numbers: BLAS threads only cost time there
        with threadpool_limits(1, user_api="blas"):
            return minimize(
                objective,
                theta0,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 2000, "ftol": ftol, "gtol": gtol, "maxcor": 20},
            )

    # every start to a loose optimum, then only the best one polished to full precision
    best = None
    start_lls: list[float] = []
    for start in starts:
        result = run(np.log(np.asarray(start, dtype=float)), 1e-10, 1e-6)
        ok = bool(np.isfinite(result.fun) and result.fun < 1e299)
        start_lls.append(-result.fun * total if ok else float("-inf"))
        log.debug("start %s -> %s (%s)", start, result.fun, result.message)
        if ok and (best is None or result.fun < best.fun):
            best = result
    if best is None:
        raise FloatingPointError("the likelihood is not finite at any starting point")
    loose_iterations = int(best.nit)
    polished = run(best.x, 1e-14, 1e-9)
    if np.isfinite(polished.fun) and polished.fun <= best.fun:
        best = polished
    best.nit = loose_iterations + int(polished.nit)
    params = np.exp(best.x)
    with np.errstate(all="ignore"):
        loglik = float(weights @ loglik_rows(params, data))
    _, grad = objective(best.x)
    gradient_norm = float(np.linalg.norm(grad))
    info = FitInfo(
        # a line search that cannot improve at a vanishing gradient has reached the optimum in floating point
        converged=bool(best.success) or gradient_norm < GRADIENT_TOLERANCE,
        message=str(best.message),
        iterations=int(best.nit),
        function_evaluations=int(best.nfev),
        gradient_norm=gradient_norm,
        starts=[list(map(float, s)) for s in starts],
        start_logliks=start_lls,
        n_rows=int(n_rows if n_rows is not None else total),
        n_unique=len(weights),
    )
    return params, loglik, info


def fit_warnings(names: Sequence[str], params: np.ndarray, stderr: np.ndarray, info: FitInfo) -> list[Message]:
    """What makes a fit doubtful: no convergence, a parameter on the search bound, undefined standard errors.

    A parameter within 1e-6 (in log terms) of ``e^±LOG_BOUND`` was stopped by the bound, not by the
    likelihood: the estimate is not a maximum and its standard error means nothing.
    """
    found: list[Message] = []
    if not info.converged:
        found.append(Message("the fit did not converge: %(message)s", {"message": info.message}))
    on_bound = [n for n, p in zip(names, params, strict=True) if abs(np.log(p)) >= LOG_BOUND - 1e-6]
    if on_bound:
        found.append(
            Message(
                "%(names)s ended on the bound of the search (e^±%(bound)s): the likelihood still rises beyond it, "
                "so the estimate is not a maximum",
                {"names": ", ".join(on_bound), "bound": f"{LOG_BOUND:g}"},
            )
        )
    if not info.hessian_ok or not np.all(np.isfinite(stderr)):
        found.append(
            Message(
                "the standard errors are undefined: the likelihood is not curved in every direction at the "
                "estimate (the data do not pin every parameter down)"
            )
        )
    return found


def standard_errors(
    loglik_rows: RowsFn,
    grad_rows: RowsFn | None,
    params: np.ndarray,
    data: tuple[np.ndarray, ...],
    weights: np.ndarray,
    penalizer_coef: float = 0.0,
) -> tuple[np.ndarray, bool]:
    """Standard errors from the inverse Hessian of the (penalised) total negative log-likelihood.

    Returns (errors, ok); ``ok`` is False, and the errors NaN, when the Hessian is not positive definite.
    """
    grad_fn = grad_rows or (lambda p, d: numeric_row_gradient(loglik_rows, p, d))
    total = float(weights.sum())

    def gradient(p: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return -(weights @ grad_fn(p, data)) + 2 * penalizer_coef * total * p

    k = len(params)
    hess = np.empty((k, k))
    for j in range(k):
        h = 1e-5 * params[j]
        up, down = params.copy(), params.copy()
        up[j] += h
        down[j] -= h
        hess[:, j] = (gradient(up) - gradient(down)) / (2 * h)
    hess = (hess + hess.T) / 2
    try:
        np.linalg.cholesky(hess)
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan), False
    return np.sqrt(np.diag(cov)), True
