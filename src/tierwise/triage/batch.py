"""Many walk-ins at once: a pandas or Arrow table in, one decision per row out, vectorised."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tierwise.errors import UsageError
from tierwise.triage.decide import decide_columns
from tierwise.triage.policy import BUSINESSES, ENQUIRIES, Lang, TriagePolicy
from tierwise.triage.rules import BUSINESS_CODES, WalkInColumns
from tierwise.triage.walk_in import MAX_AMOUNT, WALK_IN_FIELDS

FLAGS = ("vip_card", "asks_priority", "asks_account_manager")
AMOUNTS = ("amount", "local_average_bill")
SHOWN = 10  # rows named in an error message


def decide_many(records: pd.DataFrame | pa.Table, policy: TriagePolicy, *, lang: Lang = "en") -> pd.DataFrame:
    """Decide for every walk-in in a table (columns as the walk-in fields; absent columns take the defaults).

    Returns a DataFrame in the same row order with ``flow, label, reasons, next_step_code, next_step,
    policy, policy_version``; the decisions equal :func:`~tierwise.triage.triage` on each row.
    Bad columns or values raise :class:`~tierwise.errors.UsageError` naming the column, rows and values.
    """
    table = pa.Table.from_pandas(records, preserve_index=False) if isinstance(records, pd.DataFrame) else records
    cols = walk_in_columns(table)
    result = decide_columns(cols, policy, lang)
    flow = pd.Series(result.flow)
    step = pd.Series(result.next_step_code)
    return pd.DataFrame({
        "flow": flow,
        "label": flow.map({code: text.in_lang(lang) for code, text in policy.flows.items()}),
        "reasons": result.reasons.to_pylist(),
        "next_step_code": step,
        "next_step": step.map({code: text.in_lang(lang) for code, text in policy.next_steps.items()}),
        "policy": policy.name,
        "policy_version": policy.version,
    })


def walk_in_columns(table: pa.Table) -> WalkInColumns:
    """Validate a table of walk-ins and turn it into numpy columns for the rules."""
    unknown = [name for name in table.column_names if name not in WALK_IN_FIELDS]
    if unknown:
        raise UsageError(f"unknown walk-in column(s) {', '.join(map(repr, unknown))} (fields: {', '.join(WALK_IN_FIELDS)})")
    n = table.num_rows
    flags = {name: _flag(table, name, n) for name in FLAGS}
    business = _business(table, n)
    amounts = {name: _amount(table, name, n) for name in AMOUNTS}
    return WalkInColumns(
        **flags,
        enquiries=_enquiries(table, n),
        business={code: business == code for code in BUSINESS_CODES},
        amount=amounts["amount"],
        amount_known=~np.isnan(amounts["amount"]),
        local_average_bill=amounts["local_average_bill"],
        local_average_known=~np.isnan(amounts["local_average_bill"]),
    )


def _refuse(name: str, bad: np.ndarray, values: np.ndarray, reason: str) -> None:
    rows = np.flatnonzero(bad)
    if rows.size:
        shown = ", ".join(f"{row} ({_plain(values[row])!r})" for row in rows[:SHOWN])
        more = f" and {rows.size - SHOWN} more" if rows.size > SHOWN else ""
        raise UsageError(f"walk-in column {name!r}, rows (from 0) {shown}{more}: {reason}")


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, so messages read ``-1.0``."""
    return value.item() if isinstance(value, np.generic) else value


def _flag(table: pa.Table, name: str, n: int) -> np.ndarray:
    if name not in table.column_names:
        return np.zeros(n, dtype=bool)
    column = table[name]
    if not pa.types.is_boolean(column.type):
        raise UsageError(f"walk-in column {name!r} must hold booleans, not {column.type}")
    _refuse(name, column.is_null().to_numpy(zero_copy_only=False), np.full(n, None), "missing value; give true or false")
    return column.to_numpy(zero_copy_only=False).astype(bool)


def _business(table: pa.Table, n: int) -> np.ndarray:
    if "business" not in table.column_names:
        return np.full(n, "", dtype=object)
    column = table["business"]
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type) or pa.types.is_null(column.type)):
        raise UsageError(f"walk-in column 'business' must hold text, not {column.type}")
    values = pc.fill_null(column.cast(pa.string()), "").to_numpy(zero_copy_only=False)
    allowed = ", ".join(BUSINESSES)
    _refuse("business", ~np.isin(values, BUSINESS_CODES), values, f"unknown business (allowed: {allowed})")
    return values


def _amount(table: pa.Table, name: str, n: int) -> np.ndarray:
    if name not in table.column_names:
        return np.full(n, np.nan)
    column = table[name]
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_null(column.type)):
        raise UsageError(f"walk-in column {name!r} must hold numbers, not {column.type}")
    # a null (or pandas' NaN) is an unknown amount
    values = pc.fill_null(column.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False)
    _refuse(name, np.isinf(values) | (values < 0) | (values > MAX_AMOUNT), values,
            f"an amount must be between 0 and {MAX_AMOUNT:,.0f}")
    return values


def _enquiries(table: pa.Table, n: int) -> dict[str, np.ndarray]:
    found = {kind: np.zeros(n, dtype=bool) for kind in ENQUIRIES}
    if "enquiries" not in table.column_names:
        return found
    column = table["enquiries"].combine_chunks()
    if pa.types.is_null(column.type):
        return found
    if not (pa.types.is_list(column.type) or pa.types.is_large_list(column.type)):
        raise UsageError(f"walk-in column 'enquiries' must hold lists of enquiry kinds, not {column.type}")
    flat = pc.list_flatten(column).cast(pa.string()).to_numpy(zero_copy_only=False)
    parent = pc.list_parent_indices(column).to_numpy()
    bad = ~np.isin(flat, ENQUIRIES)
    if bad.any():
        first = np.flatnonzero(bad)[:SHOWN]
        shown = ", ".join(f"{parent[i]} ({flat[i]!r})" for i in first)
        raise UsageError(f"walk-in column 'enquiries', rows (from 0) {shown}: unknown enquiry "
                         f"(allowed: {', '.join(ENQUIRIES)})")
    for kind in ENQUIRIES:
        found[kind][parent[flat == kind]] = True
    return found
