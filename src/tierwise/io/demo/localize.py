"""Chinese versions of the demo's free-text columns (names, regions, industries, categories …).

Coded columns (kind, org_level, stage, status …) are not touched here: the writers translate those
for any data set (:func:`tierwise.io.writers.write_dataset` with ``lang="zh"``).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from tierwise.io.connection import duckdb_connection
from tierwise.io.demo import vocabulary as vocab
from tierwise.io.demo.population import name_vocabularies

# Amount columns a Chinese demo CSV spells as an Excel export shows money: ``￥1,234.50``.
EXCEL_AMOUNTS = {"receivables": ("amount", "paid_amount")}


def _pairs(pairs) -> tuple[list[str], list[str]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


def translations() -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """For each (table, column) of free text: the English words and their Chinese counterparts."""
    names = name_vocabularies()
    all_names = tuple(sum((names[k][i] for k in ("person", "public", "company")), []) for i in (0, 1))
    return {
        ("customers", "name"): all_names,
        ("customers", "industry"): ([i[0] for i in vocab.INDUSTRIES], [i[1] for i in vocab.INDUSTRIES]),
        ("customers", "region"): _pairs(vocab.REGIONS),
        ("customers", "it_status"): _pairs(vocab.IT_STATUS),
        ("transactions", "category"): ([c[0] for c in vocab.CATEGORIES], [c[1] for c in vocab.CATEGORIES]),
        ("transactions", "channel"): _pairs(vocab.CHANNELS),
        ("visits", "contact_person"): names["person"],
        ("visits", "channel"): _pairs(vocab.VISIT_CHANNELS),
        ("visits", "content"): _pairs(vocab.VISIT_CONTENTS),
        ("visits", "progress"): _pairs(vocab.VISIT_PROGRESS),
        ("complaints", "category"): _pairs(vocab.COMPLAINT_CATEGORIES),
        ("complaints", "description"): _pairs(vocab.COMPLAINT_DESCRIPTIONS),
        ("complaints", "cause"): _pairs(vocab.COMPLAINT_CAUSES),
        ("complaints", "resolution"): _pairs(vocab.COMPLAINT_RESOLUTIONS),
        ("surveys", "comment"): _pairs(vocab.SURVEY_COMMENTS),
    }


def localize(tables: dict[str, pa.Table], lang: str = "zh") -> dict[str, pa.Table]:
    """The demo tables with free text in ``lang`` (``zh``: Chinese; ``en``: unchanged).

    Words the demo vocabulary does not know are kept as they are.
    """
    if lang == "en":
        return dict(tables)
    out = dict(tables)
    for (table, column), (en, zh) in translations().items():
        if table not in out:
            continue
        values = out[table].column(column)
        position = pc.index_in(values, value_set=pa.array(en, pa.string()))
        translated = pc.coalesce(pa.array(zh, pa.string()).take(position), values)
        out[table] = out[table].set_column(out[table].schema.get_field_index(column), column, translated)
    return out


def excel_amounts(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The tables with the :data:`EXCEL_AMOUNTS` columns as text in the currency format of an Excel export.

    >>> excel_amounts({"receivables": pa.table({"amount": [1234.5, None], "paid_amount": [0.1, 2e6]})}
    ...               )["receivables"].to_pylist()
    [{'amount': '￥1,234.50', 'paid_amount': '￥0.10'}, {'amount': None, 'paid_amount': '￥2,000,000.00'}]
    """
    out = dict(tables)
    con = duckdb_connection()
    try:
        for table, columns in EXCEL_AMOUNTS.items():
            if table not in out:
                continue
            con.register("amounts", out[table].select(list(columns)))
            selects = ", ".join(
                f"CASE WHEN {c} IS NOT NULL THEN format('￥{{:,.2f}}', {c}) END AS {c}" for c in columns
            )
            formatted = con.sql(f"SELECT {selects} FROM amounts").to_arrow_table()
            con.unregister("amounts")
            for column in columns:
                index = out[table].schema.get_field_index(column)
                out[table] = out[table].set_column(
                    index, pa.field(column, pa.string()), formatted[column].cast(pa.string())
                )
    finally:
        con.close()
    return out
