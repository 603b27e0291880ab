"""A user's header mapping (``--map FILE.yaml``): their ERP's headers → canonical columns, per table.

The file is YAML, one mapping per table (canonical or Chinese table name), header → column (canonical
or Chinese column name)::

    transactions:
      单据日期: date
      价税合计: amount
    客户:
      往来单位编码: customer_id

>>> parse_header_map({"交易": {"价税合计": "金额"}}, "map.yaml")
{'transactions': {'价税合计': 'amount'}}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.io.columns import TABLES, normalize_header, table_for_file_stem
from tierwise.io.headers import HeaderMap


def load_header_map(path: str | Path) -> HeaderMap:
    """Read and check a mapping file; a usage error names what is wrong and what is accepted."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(
            Message("--map %(path)s: cannot read the file (%(reason)s)", {"path": str(path), "reason": exc.strerror})
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(
            Message("--map %(path)s: not a valid YAML file (%(detail)s)", {"path": str(path), "detail": str(exc)})
        ) from None
    return parse_header_map(data, str(path))


def parse_header_map(data: Any, source: str) -> HeaderMap:
    """The mapping in ``data`` (parsed YAML) with table and column names made canonical, headers normalised."""
    if not isinstance(data, dict):
        raise UsageError(
            Message(
                "--map %(source)s: expected one mapping per table, e.g. 'transactions: {价税合计: amount}'",
                {"source": source},
            )
        )
    out: dict[str, dict[str, str]] = {}
    for table_name, headers in data.items():
        table = table_for_file_stem(str(table_name))
        if table is None:
            raise UsageError(
                Message(
                    "--map %(source)s: unknown table %(table)s; use one of: %(tables)s",
                    {
                        "source": source,
                        "table": repr(table_name),
                        "tables": ", ".join(f"{t} ({spec.zh})" for t, spec in TABLES.items()),
                    },
                )
            )
        if not isinstance(headers, dict):
            raise UsageError(
                Message(
                    "--map %(source)s: under %(table)s, expected 'header: column' lines",
                    {"source": source, "table": repr(table_name)},
                )
            )
        spec = TABLES[table]
        columns = {c.name: c.name for c in spec.columns} | {c.zh: c.name for c in spec.columns}
        for header, column in headers.items():
            if str(column) not in columns:
                raise UsageError(
                    Message(
                        "--map %(source)s: %(table)s: %(header)s maps to %(column)s, which is not a column of "
                        "%(table)s; use one of: %(columns)s",
                        {
                            "source": source,
                            "table": table,
                            "header": repr(header),
                            "column": repr(column),
                            "columns": ", ".join(f"{c.name} ({c.zh})" for c in spec.columns),
                        },
                    )
                )
            out.setdefault(table, {})[normalize_header(str(header))] = columns[str(column)]
    return {t: dict(m) for t, m in out.items()} if out else {}
