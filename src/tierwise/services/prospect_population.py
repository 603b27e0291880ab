"""The standardisation of the prospects' traits over every customer, computed in the store.

The look-alike score compares traits as z-scores over the whole customer population (a population figure,
whoever looks): log employees and log annual revenue (negative values as 0, a missing one as the median),
and industry and region one-hot (a missing one as the empty label; labels trimmed and lower-cased). Their
means and standard deviations are a few aggregate queries, so that scoring reads only the customers it
scores (the prospects one sees, or only those to develop) and the approved key accounts, not a million
rows. The figures equal numpy's over the whole table (population standard deviation; a constant column
keeps a deviation of 1, so it stays 0).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Float, cast, func, select
from sqlalchemy.orm import Session

from tierwise.store.models import Customer

NUMBERS = ("employees", "annual_revenue")
LABELS = ("industry", "region")


@dataclass(frozen=True)
class Standardisation:
    """Per feature column (numbers first, then each label column's labels in sorted order): its mean and
    standard deviation over every customer, and the median that stands in for a missing number."""

    medians: dict[str, float]
    labels: dict[str, list[str]]
    mean: np.ndarray
    std: np.ndarray

    def features(self, frame: pd.DataFrame) -> np.ndarray:
        """The z-scores of ``frame``'s customers (columns ``employees``, ``annual_revenue``, ``industry``,
        ``region``) on the population's scale."""
        numbers = [
            np.log1p(frame[name].astype("float64").clip(lower=0)).fillna(self.medians[name]).to_numpy()
            for name in NUMBERS
        ]
        onehot = [
            (label_of(frame[name]).to_numpy()[:, None] == np.array(self.labels[name], dtype=object)[None, :])
            for name in LABELS
        ]
        x = np.hstack([np.column_stack(numbers), *[o.astype(float) for o in onehot]])
        return (x - self.mean) / self.std


def label_of(values: pd.Series) -> pd.Series:
    """The label a trait value is compared by: trimmed, lower-cased, the empty label when missing."""
    return values.fillna("").astype(str).str.strip().str.lower()


def population(session: Session) -> Standardisation | None:
    """The standardisation over every customer in the store (``None`` when it holds none)."""
    total = session.execute(select(func.count()).select_from(Customer)).scalar_one()
    if not total:
        return None
    medians, means, stds = {}, [], []
    for name in NUMBERS:
        median, mean, std = _number_figures(session, name, total)
        medians[name] = median
        means.append(mean)
        stds.append(std)
    labels: dict[str, list[str]] = {}
    for name in LABELS:
        column = getattr(Customer, name)
        counts: Counter[str] = Counter()
        for value, n in session.execute(select(column, func.count()).group_by(column)):
            counts[label_of(pd.Series([value], dtype=object)).iloc[0]] += n
        labels[name] = sorted(counts)
        for label in labels[name]:
            share = counts[label] / total
            means.append(share)
            stds.append(math.sqrt(share * (1 - share)))
    deviations = np.array(stds)
    return Standardisation(medians, labels, np.array(means), np.where(deviations > 0, deviations, 1.0))


def _number_figures(session: Session, name: str, total: int) -> tuple[float, float, float]:
    """Median, mean and standard deviation of ``log1p(max(value, 0))`` over every customer, a missing value
    counted as the median (0 when no customer has one). Two passes, as numpy does, for the same digits."""
    column = cast(getattr(Customer, name), Float)
    known = session.execute(select(func.count(column))).scalar_one()
    if not known:
        return 0.0, 0.0, 0.0
    middle = select(column).where(column.is_not(None)).order_by(column).offset((known - 1) // 2).limit(2 - known % 2)
    median = float(np.mean(np.log1p(np.maximum(np.array(session.scalars(middle).all(), dtype=float), 0))))
    floor = func.greatest if session.get_bind().dialect.name == "postgresql" else func.max  # SQLite's max(a, b)
    logged = func.ln(1 + floor(column, 0))
    missing = total - known
    present = column.is_not(None)  # PostgreSQL's greatest() ignores a NULL
    mean = (float(session.execute(select(func.sum(logged)).where(present)).scalar_one()) + missing * median) / total
    spread = session.execute(select(func.sum((logged - mean) * (logged - mean))).where(present)).scalar_one()
    return median, mean, math.sqrt((float(spread) + missing * (median - mean) ** 2) / total)
