"""Many walk-ins at once: a pandas or Arrow table in, one decision per row out, vectorised."""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tierwise.errors import UsageError
from tierwise.i18n import Language, Message
from tierwise.triage.decide import choices
from tierwise.triage.policy import BUSINESSES, ENQUIRIES, TriagePolicy
from tierwise.triage.rules import BUSINESS_CODES, Fired, WalkInColumns, effective_average, evaluate
from tierwise.triage.walk_in import MAX_AMOUNT, WALK_IN_FIELDS

FLAGS = ("vip_card", "asks_priority", "asks_account_manager")
AMOUNTS = ("amount", "local_average_bill")
SHOWN = 10  # rows named in an error message


def decide_many(records: pd.DataFrame | pa.Table, policy: TriagePolicy, *, lang: Language = "en") -> pd.DataFrame:
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
    return pd.DataFrame(
        {
            "flow": flow,
            "label": flow.map({code: text[lang] for code, text in policy.flows.items()}),
            "reasons": result.reasons.to_pylist(),
            "next_step_code": step,
            "next_step": step.map({code: text[lang] for code, text in policy.next_steps.items()}),
            "policy": policy.name,
            "policy_version": policy.version,
        }
    )


def walk_in_columns(table: pa.Table) -> WalkInColumns:
    """Validate a table of walk-ins and turn it into numpy columns for the rules."""
    unknown = [name for name in table.column_names if name not in WALK_IN_FIELDS]
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise UsageError(
            Message(
                "unknown walk-in column(s) %(names)s (fields: %(walk_in_fields)s)",
                {"names": names, "walk_in_fields": ", ".join(WALK_IN_FIELDS)},
            )
        )
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


def _refuse(name: str, bad: np.ndarray, values: np.ndarray, reason: Message) -> None:
    rows = np.flatnonzero(bad)
    if rows.size:
        shown = ", ".join(f"{row} ({_plain(values[row])!r})" for row in rows[:SHOWN])
        more = Message(" and %(more)s more", {"more": rows.size - SHOWN}) if rows.size > SHOWN else ""
        raise UsageError(
            Message(
                "walk-in column %(name)s, rows (from 0) %(shown)s%(more)s: %(reason)s",
                {"name": repr(name), "shown": shown, "more": more, "reason": reason},
            )
        )


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, so messages read ``-1.0``."""
    return value.item() if isinstance(value, np.generic) else value


def _flag(table: pa.Table, name: str, n: int) -> np.ndarray:
    if name not in table.column_names:
        return np.zeros(n, dtype=bool)
    column = table[name]
    if not pa.types.is_boolean(column.type):
        raise UsageError(
            Message(
                "walk-in column %(name)s must hold booleans, not %(type)s", {"name": repr(name), "type": column.type}
            )
        )
    missing = column.is_null().to_numpy(zero_copy_only=False)
    _refuse(name, missing, np.full(n, None), Message("missing value; give true or false"))
    return column.to_numpy(zero_copy_only=False).astype(bool)


def _business(table: pa.Table, n: int) -> np.ndarray:
    if "business" not in table.column_names:
        return np.full(n, "", dtype=object)
    column = table["business"]
    kind = column.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)):
        raise UsageError(Message("walk-in column 'business' must hold text, not %(type)s", {"type": column.type}))
    values = pc.fill_null(column.cast(pa.string()), "").to_numpy(zero_copy_only=False)
    allowed = ", ".join(BUSINESSES)
    _refuse(
        "business",
        ~np.isin(values, BUSINESS_CODES),
        values,
        Message("unknown business (allowed: %(allowed)s)", {"allowed": allowed}),
    )
    return values


def _amount(table: pa.Table, name: str, n: int) -> np.ndarray:
    if name not in table.column_names:
        return np.full(n, np.nan)
    column = table[name]
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_null(column.type)):
        raise UsageError(
            Message(
                "walk-in column %(name)s must hold numbers, not %(type)s", {"name": repr(name), "type": column.type}
            )
        )
    # a null (or pandas' NaN) is an unknown amount
    values = pc.fill_null(column.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False)
    _refuse(
        name,
        np.isinf(values) | (values < 0) | (values > MAX_AMOUNT),
        values,
        Message("an amount must be between 0 and %(max)s", {"max": f"{MAX_AMOUNT:,.0f}"}),
    )
    return values


def _enquiries(table: pa.Table, n: int) -> dict[str, np.ndarray]:
    found = {kind: np.zeros(n, dtype=bool) for kind in ENQUIRIES}
    if "enquiries" not in table.column_names:
        return found
    column = table["enquiries"].combine_chunks()
    if pa.types.is_null(column.type):
        return found
    if not (pa.types.is_list(column.type) or pa.types.is_large_list(column.type)):
        raise UsageError(
            Message("walk-in column 'enquiries' must hold lists of enquiry kinds, not %(type)s", {"type": column.type})
        )
    flat = pc.list_flatten(column).cast(pa.string()).to_numpy(zero_copy_only=False)
    parent = pc.list_parent_indices(column).to_numpy()
    bad = ~np.isin(flat, ENQUIRIES)
    if bad.any():
        first = np.flatnonzero(bad)[:SHOWN]
        shown = ", ".join(f"{parent[i]} ({flat[i]!r})" for i in first)
        raise UsageError(
            Message(
                "walk-in column 'enquiries', rows (from 0) %(shown)s: unknown enquiry (allowed: %(enquiries)s)",
                {"shown": shown, "enquiries": ", ".join(ENQUIRIES)},
            )
        )
    for kind in ENQUIRIES:
        found[kind][parent[flat == kind]] = True
    return found


@dataclass(frozen=True)
class Decisions:
    """Decisions for many walk-ins: flow and next-step codes per walk-in, and the reasons as a list array."""

    flow: np.ndarray
    next_step_code: np.ndarray
    reasons: pa.ListArray


def decide_columns(cols: WalkInColumns, policy: TriagePolicy, lang: Language = "en") -> Decisions:
    """Apply every rule of ``policy`` to the walk-ins in ``cols`` (numpy arrays) at once."""
    rules = evaluate(cols, policy)
    flows, steps = choices(rules)
    flow = np.select([holds for holds, _ in flows], [code for _, code in flows], "ordinary").astype(object)
    step = np.select([holds for holds, _ in steps], [code for _, code in steps], "self_service").astype(object)
    return Decisions(flow, step, _reasons(rules, cols, policy, lang))


def _reasons(rules: list[Fired], cols: WalkInColumns, policy: TriagePolicy, lang: Language) -> pa.ListArray:
    """Each walk-in's fired reasons, in rule order, as one list per walk-in (no loop over walk-ins)."""
    n = len(cols.amount)
    per_row = {"amount": cols.amount, "average": effective_average(cols, policy)[0]}
    rows, order, texts = [], [], []
    for position, rule in enumerate(rules):
        hit = np.flatnonzero(rule.mask)
        if hit.size == 0:
            continue
        template = rule.template(lang)
        fields = {name: format_money(values[hit]) for name, values in per_row.items() if "{" + name + "}" in template}
        rows.append(hit)
        order.append(np.full(hit.size, position))
        texts.append(fill(template, fields, hit.size))
    if not rows:
        return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))
    rows_all, order_all = np.concatenate(rows), np.concatenate(order)
    sort = np.lexsort((order_all, rows_all))
    values = pa.array(np.concatenate(texts)[sort], type=pa.string())
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows_all, minlength=n))]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def format_money(values: np.ndarray) -> pa.Array:
    """Amounts as ``5,200,000.00`` strings, vectorised (non-negative amounts below 10**13).

    Cents are ``rint(value * 100)``, half to even, as in :func:`~tierwise.triage.reasons.money_text`.
    """
    cents = np.rint(np.asarray(values, dtype=np.float64) * 100).astype(np.int64)
    whole = pa.array(cents // 100).cast(pa.string())
    padded = pc.utf8_lpad(whole, width=15, padding="0")
    groups = [pc.utf8_slice_codeunits(padded, start, start + 3) for start in range(0, 15, 3)]
    grouped = pc.binary_join_element_wise(*groups, ",")
    # drop the leading zeros and commas, keeping at least one digit
    trimmed = pc.replace_substring_regex(grouped, pattern=r"^[0,]*(\d)", replacement=r"\1")
    fraction = pc.utf8_lpad(pa.array(cents % 100).cast(pa.string()), width=2, padding="0")
    return pc.binary_join_element_wise(trimmed, fraction, ".")


def fill(template: str, columns: dict[str, pa.Array], size: int) -> np.ndarray:
    """The template with its per-row fields replaced by ``columns`` (each ``size`` long), as an object array."""
    parts: list[pa.Array | str] = []
    for literal, field, _spec, _conv in Formatter().parse(template):
        if literal:
            parts.append(literal)
        if field is not None:
            parts.append(columns[field])
    if not any(isinstance(part, pa.Array) for part in parts):
        return np.full(size, template.replace("{{", "{").replace("}}", "}"), dtype=object)
    joined = pc.binary_join_element_wise(*parts, "")
    return np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)
