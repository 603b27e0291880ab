"""Holdout validation on CDNOW: the groups, the totals, the tracking curve and its charts."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from tierwise.errors import ModelError
from tierwise.value.bgnbd import BetaGeoFitter
from tierwise.value.cdnow import CALIBRATION_END, OBSERVATION_END
from tierwise.value.paretonbd import ParetoNBDFitter
from tierwise.value.validation import holdout_report, tracking


@pytest.fixture(scope="module")
def model(cdnow_summary):
    return BetaGeoFitter().fit(cdnow_summary)


def test_holdout_report_by_calibration_frequency(model, cdnow_summary):
    report = holdout_report(model, cdnow_summary)
    assert report.labels == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert report.customers == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert report.actual_total == 1882
    s = cdnow_summary
    assert report.actual[0] == pytest.approx(s.loc[s.frequency == 0, "frequency_holdout"].mean())
    assert report.actual[7] == pytest.approx(s.loc[s.frequency >= 7, "frequency_holdout"].mean())
    # the conditional expectations rise with calibration frequency, as the actual means do
    assert np.all(np.diff(report.predicted) > 0)
    assert report.predicted_total == pytest.approx(
        model.conditional_expected_number_of_purchases_up_to_time(39, s.frequency, s.recency, s["T"]).sum()
    )
    assert -0.2 < report.error < 0 and 0.5 < report.correlation < 1
    json.dumps(report.chart_data())  # plain data for the web UI


def test_tracking_reproduces_the_published_four_percent(model, duckdb_engine, cdnow_transactions):
    t = duckdb_engine.load("cdnow_tracking_tx", cdnow_transactions)
    curve = tracking(model, t, CALIBRATION_END, OBSERVATION_END)
    assert curve.periods == list(range(1, 79)) and curve.calibration_period == 39
    assert curve.actual[-1] == 4339 and curve.holdout_actual == 1882  # repeat purchases, weeks 1-78 and 40-78
    assert curve.actual[38] == 4339 - 1882
    assert np.all(np.diff(curve.actual) >= 0) and np.all(np.diff(curve.predicted) >= 0)
    # the paper's BG/NBD forecast of cumulative repeat purchases at week 78 is 4 % low
    assert round(curve.cumulative_error, 2) == -0.04
    assert curve.holdout_predicted == pytest.approx(curve.predicted[-1] - curve.predicted[38], rel=0.01)
    assert json.loads(json.dumps(curve.chart_data()))["actual"][-1] == 4339


#: BTYD's walkthrough (BG/NBD section): its fit, then bgnbd.PlotTrackingInc / PlotTrackingCum, weeks 20-25
BTYD_BG = {"r": 0.2425967, "alpha": 4.413659, "a": 0.7929869, "b": 2.426164}
BTYD_ACTUAL_CUMULATIVE = [1359, 1414, 1484, 1517, 1573, 1672]
BTYD_EXPECTED_CUMULATIVE = [1312.458, 1387.346, 1460.392, 1531.713, 1601.418, 1669.600]
BTYD_EXPECTED_WEEKLY = [76.86531, 74.88843, 73.04554, 71.32166, 69.70412, 68.18213]


def test_tracking_reproduces_btyds_weekly_numbers(duckdb_engine, cdnow_transactions):
    t = duckdb_engine.load("cdnow_btyd_tx", cdnow_transactions)
    model = BetaGeoFitter()
    model.params_ = dict(BTYD_BG)
    curve = tracking(model, t, CALIBRATION_END, OBSERVATION_END)
    weeks = slice(19, 25)  # weeks 20 … 25
    assert curve.actual[weeks] == BTYD_ACTUAL_CUMULATIVE
    # BTYD prints 7 significant digits of the parameters and of the results: they agree to 1e-6
    assert curve.predicted[weeks] == pytest.approx(BTYD_EXPECTED_CUMULATIVE, rel=1e-6)
    weekly = np.diff(curve.predicted)[18:24]
    assert weekly == pytest.approx(BTYD_EXPECTED_WEEKLY, rel=1e-6)


def test_tracking_is_measured_to_the_end_of_each_week_as_btyd_does(duckdb_engine, cdnow_transactions):
    # BTYD's Pareto/NBD walkthrough: 1,308.856 cumulative at week 20 for r 0.553, α 10.58, s 0.606, β 11.658
    # (parameters printed to 3 decimals, so only 1e-3 agreement is possible)
    t = duckdb_engine.load("cdnow_btyd_pareto_tx", cdnow_transactions)
    model = ParetoNBDFitter()
    model.params_ = {"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.658}
    curve = tracking(model, t, CALIBRATION_END, OBSERVATION_END)
    assert curve.predicted[19] == pytest.approx(1308.856, rel=1e-3)


def test_a_holdout_ending_before_the_data_is_an_error(model, duckdb_engine, cdnow_transactions):
    t = duckdb_engine.load("cdnow_early_tx", cdnow_transactions)
    with pytest.raises(ModelError, match="the observation end 1996-12-31 precedes the first transaction"):
        tracking(model, t, dt.date(1996, 6, 30), dt.date(1996, 12, 31))
    with pytest.raises(ModelError, match="the holdout summary has no customers"):
        holdout_report(
            model, pd.DataFrame(columns=["frequency", "recency", "T", "frequency_holdout", "duration_holdout"])
        )


def test_charts_are_png_files(model, cdnow_summary, tmp_path):
    path = holdout_report(model, cdnow_summary).plot(tmp_path / "charts" / "holdout.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_holdout_report_needs_holdout_columns(model):
    frame = pd.DataFrame({"frequency": [1], "recency": [1.0], "T": [2.0]})
    with pytest.raises(ModelError, match="missing frequency_holdout, duration_holdout"):
        holdout_report(model, frame)
