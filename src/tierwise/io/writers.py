"""Writing tables to CSV, Parquet and Excel files, one at a time or as a whole data set.

Every file is written to a temporary file next to its target and renamed into place only when the
write succeeded, so a failed write leaves nothing half-written. Tables may be written in pieces
(:class:`TableWriter`, :class:`DatasetWriter`), so data sets larger than memory stream through.

- CSV through Arrow's CSV writer (dates as ``2025-01-31``); any encoding, e.g. ``gb18030`` for Excel
  users in China; list and struct columns become JSON text (non-ASCII kept as is).
- Parquet through Arrow (snappy: the fastest to write), list columns stay lists.
- Excel (.xlsx) through XlsxWriter in constant-memory mode, with a frozen, filterable header row.
"""

from __future__ import annotations

import codecs
import io
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.csv as pa_csv

from tierwise.errors import UsageError, check_language
from tierwise.i18n import Message
from tierwise.io.columns import TABLES, VALUE_MAPS
from tierwise.io.connection import duckdb_connection

FORMATS = ("csv", "parquet", "xlsx")
EXCEL_MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header row included
ZH_TRUE, ZH_FALSE = "是", "否"


def _is_nested(field: pa.Field) -> bool:
    return (
        pa.types.is_list(field.type)
        or pa.types.is_large_list(field.type)
        or pa.types.is_struct(field.type)
        or pa.types.is_map(field.type)
        or pa.types.is_fixed_size_list(field.type)
    )


def nested_as_json(table: pa.Table) -> pa.Table:
    """``table`` with its list, struct and map columns as JSON text (UTF-8, non-ASCII kept as is).

    >>> nested_as_json(pa.table({"reasons": [["年消费 ≥ 5,000,000"]]})).column(0).to_pylist()
    ['["年消费 ≥ 5,000,000"]']
    """
    nested = [f.name for f in table.schema if _is_nested(f)]
    if not nested:
        return table
    con = duckdb_connection()
    try:
        con.register("piece", table.select(nested))
        selects = ", ".join(f'to_json("{n.replace(chr(34), chr(34) * 2)}")::varchar' for n in nested)
        json_text = con.sql(f"select {selects} from piece").to_arrow_table()
    finally:
        con.close()
    for position, name in enumerate(nested):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, pa.field(name, pa.string()), json_text.column(position).cast(pa.string()))
    return table


def _renamed(table: pa.Table, headers: Mapping[str, str] | None) -> pa.Table:
    if not headers:
        return table
    return table.rename_columns([headers.get(name, name) for name in table.column_names])


class TableWriter:
    """One output file written in pieces; the file appears under its name only on :meth:`close`.

    ``unique`` names columns whose values are all different (keys): Parquet stores them without a
    dictionary.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder, TableWriter(Path(folder) / "t.csv") as writer:
    ...     writer.write(pa.table({"a": [1, 2]}))
    """

    def __init__(
        self,
        path: Path,
        *,
        headers: Mapping[str, str] | None = None,
        encoding: str = "utf-8",
        unique: Sequence[str] = (),
    ) -> None:
        self.path = Path(path)
        self.format = self.path.suffix.lower().lstrip(".")
        if self.format not in FORMATS:
            raise UsageError(
                Message(
                    "cannot write %(path)s: the file name must end in .csv, .parquet or .xlsx", {"path": self.path.name}
                )
            )
        self.headers = headers
        self.encoding = codecs.lookup(encoding).name
        self.unique = {(headers or {}).get(name, name) for name in unique}
        self.rows = 0
        self._tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        self._sink = None  # opened with the first piece, when the columns are known
        self._schema: pa.Schema | None = None
        self._closed = False

    @property
    def finished(self) -> bool:
        """Whether the file was moved into place or given up."""
        return self._closed

    def write(self, table: pa.Table) -> None:
        """Append the rows of ``table`` (every piece must have the same columns)."""
        if self.format != "parquet":
            table = nested_as_json(table)
        table = _renamed(table, self.headers)
        if self._schema is None:
            self._schema = table.schema
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        elif table.schema != self._schema:
            if table.column_names != self._schema.names:
                raise UsageError(
                    Message(
                        "%(path)s: every piece needs the columns %(names)s, not %(column_names)s",
                        {"path": self.path.name, "names": self._schema.names, "column_names": table.column_names},
                    )
                )
            table = table.cast(self._schema)
        if self.format == "csv":
            self._write_csv(table)
        elif self.format == "parquet":
            self._sink.write_table(table)
        else:
            self._write_xlsx(table)
        self.rows += table.num_rows

    def close(self) -> Path:
        """Finish the file and move it into place; returns its path."""
        if self._closed:
            return self.path
        if self._schema is None:
            raise UsageError(Message("nothing was written to %(path)s", {"path": self.path.name}))
        try:
            if self.format == "parquet":
                self._sink.close()
            elif self.format == "xlsx":
                last_row = max(self.rows, 1)
                self._sheet.autofilter(0, 0, last_row, len(self._schema) - 1)
                self._book.close()
            else:
                self._sink.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        self._closed = True
        return self.path

    def abort(self) -> None:
        """Give up: close and delete the temporary file; the target is left as it was."""
        self._closed = True
        try:
            if self.format == "xlsx" and self._sink is not None:
                self._book.fileclosed = True  # the temporary workbook is discarded unwritten
            elif self._sink is not None:
                self._sink.close()
        finally:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    # --- formats -------------------------------------------------------------------------------
    def _open(self) -> None:
        if self.format == "parquet":
            # dictionaries pay off for repeated text (customer ids, categories), not for numbers or keys
            import pyarrow.parquet as pq  # only where Parquet is written: a command's start-up does without it

            dictionary = [f.name for f in self._schema if pa.types.is_string(f.type) and f.name not in self.unique]
            self._sink = pq.ParquetWriter(self._tmp, self._schema, compression="snappy", use_dictionary=dictionary)
        elif self.format == "csv":
            self._sink = open(self._tmp, "wb")  # noqa: SIM115  (closed in close/abort)
            if self.encoding == "utf-8-sig":
                self._sink.write(codecs.BOM_UTF8)
        else:
            import xlsxwriter

            self._book = xlsxwriter.Workbook(
                str(self._tmp),
                {
                    "constant_memory": True,
                    "default_date_format": "yyyy-mm-dd",
                    "nan_inf_to_errors": True,
                    "strings_to_numbers": False,
                    "strings_to_formulas": False,
                    "strings_to_urls": False,
                },
            )
            self._sink = self._book
            self._sheet = self._book.add_worksheet(self.path.stem[:31])
            bold = self._book.add_format({"bold": True})
            self._sheet.write_row(0, 0, self._schema.names, bold)
            self._sheet.freeze_panes(1, 0)

    def _write_csv(self, table: pa.Table) -> None:
        options = pa_csv.WriteOptions(include_header=self.rows == 0, quoting_style="needed")
        if self.encoding in ("utf-8", "utf-8-sig"):
            pa_csv.write_csv(table, self._sink, options)
            return
        buffer = io.BytesIO()
        pa_csv.write_csv(table, buffer, options)
        try:
            self._sink.write(buffer.getvalue().decode("utf-8").encode(self.encoding))
        except UnicodeEncodeError as exc:
            raise UsageError(
                Message(
                    "%(path)s: %(object)s cannot be written in %(encoding)s; choose another encoding such as gb18030 "
                    "or utf-8",
                    {
                        "path": self.path.name,
                        "object": repr(exc.object[exc.start : exc.end]),
                        "encoding": self.encoding,
                    },
                )
            ) from None

    def _write_xlsx(self, table: pa.Table) -> None:
        if self.rows + table.num_rows >= EXCEL_MAX_ROWS:
            raise UsageError(
                Message(
                    "%(path)s: %(rows)s rows do not fit an Excel sheet (%(limit)s at most); write CSV or Parquet "
                    "instead",
                    {"path": self.path.name, "rows": self.rows + table.num_rows, "limit": EXCEL_MAX_ROWS - 1},
                )
            )
        columns = [column.to_pylist() for column in table.columns]
        write_row = self._sheet.write_row
        for offset, row in enumerate(zip(*columns, strict=True)):  # Excel output is row by row by nature
            write_row(self.rows + offset + 1, 0, row)


def _zh_spellings(table: str, column: str) -> dict[str, str]:
    """Canonical value → its first Chinese spelling in ``VALUE_MAPS``."""
    spellings: dict[str, str] = {}
    for spelling, value in VALUE_MAPS[(table, column)].items():
        if not spelling.isascii():
            spellings.setdefault(value, spelling)
    return spellings


def chinese_values(name: str, table: pa.Table) -> pa.Table:
    """``table`` (contract table ``name``) with coded values and booleans spelled in Chinese.

    >>> chinese_values("customers", pa.table({"kind": ["company", "person", None]})).column(0).to_pylist()
    ['企业', '个人', None]
    """
    import pyarrow.compute as pc  # only where Chinese values are written: a command's start-up does without it

    for index, field in enumerate(table.schema):
        values = table.column(index)
        if (name, field.name) in VALUE_MAPS and pa.types.is_string(field.type):
            spellings = _zh_spellings(name, field.name)
            position = pc.index_in(values, value_set=pa.array(list(spellings), pa.string()))
            values = pc.coalesce(pa.array(list(spellings.values()), pa.string()).take(position), values)
        elif pa.types.is_boolean(field.type):
            values = pc.if_else(values, ZH_TRUE, ZH_FALSE)
        else:
            continue
        table = table.set_column(index, pa.field(field.name, pa.string()), values)
    return table


def file_stem(name: str, lang: str = "en") -> str:
    """The file stem of a table: its canonical name, or its Chinese name (``交易``) when ``lang='zh'``."""
    return TABLES[name].zh if lang == "zh" and name in TABLES else name


def zh_headers(name: str) -> dict[str, str]:
    """Canonical column name → Chinese header, for a contract table."""
    return {c.name: c.zh for c in TABLES[name].columns} if name in TABLES else {}


class DatasetWriter:
    """A data set written in pieces: each :meth:`write` appends to every table it holds.

    ``lang="zh"``: Chinese file names, headers and coded values, and CSV in GB18030 (a superset of
    GBK that Excel in China opens). On an error inside the ``with`` block no file is left behind.
    """

    def __init__(self, out_dir: Path, *, format: str = "csv", lang: str = "en") -> None:  # noqa: A002
        if format not in FORMATS:
            raise UsageError(
                Message(
                    "unknown format %(format)s: choose one of %(formats)s",
                    {"format": repr(format), "formats": ", ".join(FORMATS)},
                )
            )
        check_language(lang)
        if Path(out_dir).exists() and not Path(out_dir).is_dir():
            raise UsageError(Message("%(path)s is a file: give a folder to write the data set into", {"path": out_dir}))
        self.out_dir, self.format, self.lang = Path(out_dir), format, lang
        self.writers: dict[str, TableWriter] = {}

    def write(self, tables: Mapping[str, pa.Table]) -> None:
        """Append a piece of each table in ``tables``."""
        for name, table in tables.items():
            if name not in self.writers:
                path = self.out_dir / f"{file_stem(name, self.lang)}.{self.format}"
                headers = zh_headers(name) if self.lang == "zh" else None
                encoding = "gb18030" if self.lang == "zh" and self.format == "csv" else "utf-8"
                key = TABLES[name].key if name in TABLES else None
                self.writers[name] = TableWriter(path, headers=headers, encoding=encoding, unique=(key,) if key else ())
            self.writers[name].write(chinese_values(name, table) if self.lang == "zh" else table)

    def close(self) -> list[Path]:
        """Finish every file; returns their paths in the order the tables came."""
        try:
            return [writer.close() for writer in self.writers.values()]
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Discard every file not yet finished."""
        for writer in self.writers.values():
            if not writer.finished:
                writer.abort()

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.paths = self.close()
        else:
            self.abort()


def write_table(table: pa.Table, path: Path, *, headers: dict[str, str] | None = None, encoding: str = "utf-8") -> Path:
    """Write ``table`` to ``path`` (.csv, .parquet or .xlsx by suffix), atomically; returns the path.

    ``headers`` renames columns on the way out (e.g. to Chinese headers); ``encoding`` applies to CSV.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_table(pa.table({"a": [1]}), Path(folder) / "t.csv").read_text()
    '"a"\\n1\\n'
    """
    writer = TableWriter(Path(path), headers=headers, encoding=encoding)
    try:
        writer.write(table)
    except BaseException:
        writer.abort()
        raise
    return writer.close()


def write_dataset(
    tables: dict[str, pa.Table],
    out_dir: Path,
    *,
    format: str = "csv",  # noqa: A002
    lang: str = "en",
) -> list[Path]:
    """Write a data set: one file per table in ``out_dir``; returns the paths written.

    ``lang="en"``: canonical names and UTF-8; ``lang="zh"``: Chinese file names (``交易.csv``), headers and
    coded values (``企业``, ``赢单``, ``是``), CSV in GB18030.
    """
    writer = DatasetWriter(Path(out_dir), format=format, lang=lang)
    with writer:
        writer.write(tables)
    return writer.paths
