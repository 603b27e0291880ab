"""CLV, customer_value and Gamma-Gamma predictions: hand-computed cases and the CDNOW data."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tierwise.errors import ModelError, UsageError
from tierwise.value.bgnbd import BetaGeoFitter
from tierwise.value.clv import VALUE_COLUMNS, customer_value, discounted_value, purchase_model
from tierwise.value.gammagamma import GammaGammaFitter
from tierwise.value.simulation import simulate_bgnbd, simulate_spend

PUBLISHED_BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def bg():
    model = BetaGeoFitter()
    model.params_ = dict(PUBLISHED_BG)
    return model


def test_undiscounted_value_is_spend_times_expected_purchases():
    model = bg()
    got = discounted_value(model, 20.0, 2, 30.43, 38.86, horizon_days=364, discount_rate=0.0, period_days=7)
    assert float(got) == pytest.approx(
        20.0 * float(model.conditional_expected_number_of_purchases_up_to_time(52, 2, 30.43, 38.86))
    )


def test_discounting_month_by_month():
    model = bg()
    months = np.arange(1, 13) * 30.436875 / 7
    cumulative = model.conditional_expected_number_of_purchases_up_to_time(months, 2, 30.43, 38.86)
    by_month = np.diff(cumulative, prepend=0.0)
    expected = sum(10.0 * by_month[m] / 1.01 ** (m + 1) for m in range(12))
    got = discounted_value(model, 10.0, 2, 30.43, 38.86, horizon_days=12 * 30.436875, discount_rate=0.01)
    assert float(got) == pytest.approx(expected, rel=1e-12)
    # lifetimes' customer_lifetime_value for this customer (its month is 4.345 weeks): 36.27
    gg = GammaGammaFitter()
    gg.params_ = {"p": 6.249572, "q": 3.744225, "v": 15.443521}
    fitted = BetaGeoFitter()
    fitted.params_ = {"r": 0.2425945, "alpha": 4.4136027, "a": 0.7929218, "b": 2.4259057}
    value = gg.customer_lifetime_value(
        fitted, 2, 30.428571, 38.857143, 22.345, time=12, discount_rate=0.01, period_days=30.436875 / 4.345
    )
    assert float(value) == pytest.approx(36.27, abs=0.01)


def test_gamma_gamma_shrinks_towards_the_population_mean():
    gg = GammaGammaFitter()
    gg.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}
    population = 6.25 * 15.44 / 2.74
    assert gg.population_mean_spend() == pytest.approx(population)
    one_timer, buyer = gg.conditional_expected_average_profit([0, 4], [0.0, 50.0])
    assert one_timer == pytest.approx(population)
    assert buyer == pytest.approx((2.74 * population + 25.0 * 50.0) / (25.0 + 2.74))


def test_customer_value_on_a_data_set(duckdb_engine):
    summary_frame = simulate_bgnbd(3_000, 0.3, 5.0, 0.8, 2.5, seed=4)
    spend = simulate_spend(summary_frame["frequency"].to_numpy(), 6.0, 4.0, 15.0, seed=4)
    # build transactions that give that summary: first purchase 2024-01-01 + (78 - T) weeks ...
    rng = np.random.default_rng(4)
    rows = []
    start = pd.Timestamp("2024-01-01")
    end = start + pd.Timedelta(days=7 * 80)
    ids = np.repeat(np.arange(len(summary_frame)), summary_frame["frequency"].to_numpy() + 1)
    first = end - pd.to_timedelta(np.round(summary_frame["T"].to_numpy() * 7), unit="D")
    offsets = rng.uniform(0, 1, len(ids)) * np.repeat(
        summary_frame["recency"].to_numpy() * 7, summary_frame["frequency"].to_numpy() + 1
    )
    is_first = np.r_[True, ids[1:] != ids[:-1]]
    days = np.where(is_first, 0, np.round(offsets))
    rows = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in ids],
            "date": (first[ids] + pd.to_timedelta(days, unit="D")).date,
            "amount": np.where(
                is_first, 30.0, np.repeat(np.maximum(spend, 1.0), summary_frame["frequency"].to_numpy() + 1)
            ),
        }
    )
    t = duckdb_engine.load("clv_tx", rows)
    out = customer_value(t, end.date(), model="bgnbd", horizon_days=365, discount_rate=0.01)
    assert list(out.columns) == list(VALUE_COLUMNS)
    assert len(out) == rows["customer_id"].nunique()
    assert out["p_alive"].between(0, 1).all()
    assert (out["expected_purchases_12m"] >= 0).all() and (out["clv_12m"] >= 0).all()
    # single-purchase customers get a value from the population mean spend
    single = out[out["frequency"] == 0]
    assert len(single) > 0 and (single["clv_12m"] > 0).all()
    # more recent buyers with the same history are worth more
    ranked = out.sort_values("clv_12m", ascending=False)
    assert ranked["p_alive"].iloc[:100].mean() > ranked["p_alive"].iloc[-100:].mean()
    # nothing after the as-of date is read
    earlier = customer_value(t, dt.date(2024, 6, 30))
    assert len(earlier) < len(out)


def test_customer_value_on_cdnow(duckdb_engine, cdnow_transactions):
    t = duckdb_engine.load("cdnow_clv_tx", cdnow_transactions)
    out = customer_value(t, dt.date(1997, 9, 30), freq="D", horizon_days=365)
    first = out.iloc[0]
    assert first["customer_id"] == "0001"
    assert (first["frequency"], first["recency"], first["T"]) == (2, 213, 272)  # days
    assert round(first["p_alive"], 2) == 0.73


def test_unknown_model_and_bad_horizon():
    with pytest.raises(UsageError, match="unknown model 'bg'; choose one of bgnbd, mbgnbd, pareto"):
        purchase_model("bg")
    with pytest.raises(UsageError, match="the horizon must be positive, not 0 days"):
        discounted_value(bg(), 1.0, 1, 1, 2, horizon_days=0)
    with pytest.raises(ModelError, match="needs at least 2 repeat buyers, got 1"):
        GammaGammaFitter().fit([1, 0], [10.0, 0.0])


def test_customer_value_is_the_same_on_every_engine(backend, duckdb_engine, cdnow_transactions):
    as_of = dt.date(1997, 9, 30)
    here = customer_value(backend.load("cdnow_engines_tx", cdnow_transactions), as_of).sort_values("customer_id")
    there = customer_value(duckdb_engine.load("cdnow_engines_ref", cdnow_transactions), as_of).sort_values(
        "customer_id"
    )
    assert len(here) == 2357
    pd.testing.assert_frame_equal(here.reset_index(drop=True), there.reset_index(drop=True), check_dtype=False)
