"""The look-alike scale over every customer, computed in the store, equals numpy's over the whole table.

Customers B1–B6 beside the book's five (no traits): employees 0, -5 (taken as 0), 40, 12, 1,000 and 7 (an
even count of known values: the median is the mean of the two middle logs); five revenues known (the middle
one is the median);
labels in other cases and with spaces (``" Retail "`` is ``retail``), one missing (the empty label).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import select

from tierwise.services.prospect_population import label_of, population
from tierwise.store.models import Customer

BUYERS = [  # id, employees, revenue, industry, region
    ("B1", 0, "0", "retail", "east"),
    ("B2", -5, "1500000", " Retail ", "EAST"),
    ("B3", 40, None, "energy", None),
    ("B4", 12, "20000000", None, "west"),
    ("B5", 1000, "300000000", "Energy", "west"),
    ("B6", 7, "99.5", "logistics", "north"),
]


def numpy_scale(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The z-score scale as numpy and pandas take it over the whole frame (the reference)."""
    numbers = np.log1p(frame[["employees", "annual_revenue"]].astype("float64").clip(lower=0))
    numbers = numbers.fillna(numbers.median()).fillna(0.0)
    labels = pd.get_dummies(frame[["industry", "region"]].apply(label_of), dtype=float)
    x = np.hstack([numbers.to_numpy(), labels.to_numpy()])
    std = x.std(axis=0)
    return x.mean(axis=0), np.where(std > 0, std, 1.0), list(labels.columns)


def test_the_scale_is_numpys_over_every_customer(people) -> None:
    people.add(
        *[Customer(customer_id=c, name=c, employees=e, annual_revenue=None if v is None else Decimal(v),
                   industry=i, region=r) for c, e, v, i, r in BUYERS],
    )  # fmt: skip
    with people.sessions() as session:
        found = population(session)
        rows = session.execute(
            select(Customer.employees, Customer.annual_revenue, Customer.industry, Customer.region)
        ).all()
    frame = pd.DataFrame(rows, columns=["employees", "annual_revenue", "industry", "region"])
    mean, std, columns = numpy_scale(frame)
    assert found is not None
    assert found.labels == {"industry": ["", "energy", "logistics", "retail"], "region": ["", "east", "north", "west"]}
    assert [f"{k}_{v}" for k in ("industry", "region") for v in found.labels[k]] == columns
    np.testing.assert_allclose(found.mean, mean, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(found.std, std, rtol=1e-12)
    assert found.medians["employees"] == np.mean(np.log1p([7, 12]))  # 0, 0, 7 | 12, 40, 1000
    assert found.medians["annual_revenue"] == np.log1p(1500000)  # 0, 99.5, 1.5M, 20M, 300M


def test_customers_without_traits_have_a_flat_scale(book) -> None:
    # numpy's answer for the book's five customers, none with a trait: every log 0, every label empty
    with book.sessions() as session:
        found = population(session)
    assert found is not None
    assert (found.medians, found.labels) == (
        {"employees": 0.0, "annual_revenue": 0.0},
        {"industry": [""], "region": [""]},
    )
    assert (found.mean.tolist(), found.std.tolist()) == ([0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0])
