"""Fixtures for the value models: the CDNOW calibration summary (weeks, calibration to 1997-09-30)."""

from __future__ import annotations

import pandas as pd
import pytest

from tierwise.analytics.summary import summary
from tierwise.value.cdnow import CALIBRATION_END, OBSERVATION_END, read_cdnow


@pytest.fixture(scope="session")
def cdnow_transactions(cdnow_dir) -> pd.DataFrame:
    """The 2,357-customer CDNOW sample as a canonical transactions frame."""
    return read_cdnow(cdnow_dir)


@pytest.fixture(scope="session")
def cdnow_summary(duckdb_engine, cdnow_transactions) -> pd.DataFrame:
    """The published calibration/holdout summary: days / 7, one purchase per day."""
    t = duckdb_engine.load("cdnow_value_tx", cdnow_transactions)
    return summary(t, CALIBRATION_END, OBSERVATION_END, freq="D", freq_multiplier=7).to_pandas()
