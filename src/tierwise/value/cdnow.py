"""Loader for the CDNOW reference data (Fader & Hardie) as a canonical transactions table.

The CDNOW files are whitespace-separated text: ``CDNOW_sample.txt`` holds the 2,357-customer sample the
BG/NBD and Pareto/NBD papers fit (columns: master id, sample id, yyyymmdd, CDs, dollars; no header) and
``CDNOW_master.txt`` the full 23,570-customer cohort (a header line; customer id, yyyymmdd, CDs,
dollars). Both cover 1997-01-01 .. 1998-06-30; the papers calibrate to 1997-09-30 (39 weeks) and use
weeks of 7 days (``summary(..., freq="D", freq_multiplier=7)``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from tierwise.errors import UsageError
from tierwise.i18n import Message

CALIBRATION_END = dt.date(1997, 9, 30)
OBSERVATION_END = dt.date(1998, 6, 30)


def read_cdnow(path: str | Path) -> pd.DataFrame:
    """The CDNOW transactions: ``customer_id`` (str, as in the file), ``date``, ``amount``, ``quantity``.

    ``path`` is ``CDNOW_sample.txt``, ``CDNOW_master.txt``, or a folder holding the sample (preferred)
    or the master file. For the sample, ``customer_id`` is the sample id (``"0001"`` .. ``"2357"``),
    the numbering the published tables use.
    """
    path = Path(path)
    if path.is_dir():
        for name in ("CDNOW_sample.txt", "CDNOW_master.txt"):
            if (path / name).exists():
                path = path / name
                break
        else:
            raise UsageError(Message("no CDNOW_sample.txt or CDNOW_master.txt in %(path)s", {"path": path}))
    if not path.exists():
        raise UsageError(Message("CDNOW file not found: %(path)s", {"path": path}))
    with path.open(encoding="ascii") as fh:
        first = fh.readline().split()
    has_header = bool(first) and not first[0].isdigit()
    raw = pd.read_csv(path, sep=r"\s+", header=None, skiprows=1 if has_header else 0, dtype=str)
    if raw.shape[1] == 5:
        raw = raw.iloc[:, 1:]
    if raw.shape[1] != 4:
        raise UsageError(
            Message(
                "%(path)s: expected 4 or 5 whitespace-separated columns, found %(found)s",
                {"path": path, "found": raw.shape[1]},
            )
        )
    raw.columns = ["customer_id", "date", "quantity", "amount"]
    return pd.DataFrame(
        {
            "customer_id": raw["customer_id"],
            "date": pd.to_datetime(raw["date"], format="%Y%m%d").dt.date,
            "amount": raw["amount"].astype(float),
            "quantity": raw["quantity"].astype("int64"),
        }
    )
