"""Reasons in words a sales manager reads, built as engine expressions in English or Chinese.

The words come from the message catalogue (:mod:`tierwise.i18n`): a reason template such as
``%(days)s days`` is translated in Python once per policy, and :func:`engine_text` puts the engine's
per-row expressions into its slots.

Numbers are formatted inside the engine with portable arithmetic and string functions (no backend's own
``format``), so the same expression gives ``5,200,000.00`` on DuckDB and on Spark:

>>> format_constant(5_000_000)
'5,000,000'
>>> format_constant(0.3, unit="ratio")
'30%'
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.prospects import PROSPECT_INDICATORS
from tierwise.analytics.registry import INDICATORS, Indicator
from tierwise.i18n import N_, Formats, Language, Message, translate

ARROW = " → "
DAYS = N_("%(days)s days")
JOIN = N_("%(first)s and %(second)s")
LIST = N_("%(first)s, %(second)s")


def engine_text(message: Message | str, lang: Language, **slots: ir.Value | str) -> ir.StringValue:
    """The template ``message`` in ``lang`` as an engine string, ``slots`` (expressions) put in its slots.

    The message's own ``params`` are filled in Python; each slot named in ``slots`` is an engine
    expression (or a constant text) placed where the translated template names it.

    >>> engine_text("%(days)s days", "zh", days="3").execute()
    '3天'
    """
    message = Message(message) if isinstance(message, str) else message
    marks = {name: f"\x00{name}\x00" for name in slots}
    text = translate(Message(message.msgid, {**message.params, **marks}), lang)
    out: ir.StringValue = ibis.literal("")
    for i, piece in enumerate(text.split("\x00")):
        if i % 2 == 0:
            if piece:
                out = out + piece
        else:
            slot = slots[piece]
            out = out + (ibis.literal(slot) if isinstance(slot, str) else slot.cast("string"))
    return out


def format_integer(value: ir.NumericValue) -> ir.StringValue:
    """A non-negative whole number with thousands separators (``1234567`` → ``1,234,567``), below 10^18.

    Six zero-padded groups are joined (``000,000,000,001,234,567``) and the right length kept, so the
    value appears only a few times in the expression, whatever the engine.
    """
    v = value.cast("int64")
    groups = [((v // 10 ** (3 * k)) % 1000 + 1000).cast("string").substr(1, 3) for k in range(5, -1, -1)]
    full = groups[0]
    for group in groups[1:]:
        full = full + "," + group
    digits = v.cast("string").length()
    return full.right(digits + (digits - 1) // 3)


@ibis.udf.scalar.builtin(name="format")
def _duckdb_format(spec: str, value: float) -> str:  # DuckDB's fmt-style format(): '{:,.2f}'
    ...


@ibis.udf.scalar.builtin(name="format_number")
def _spark_format_number(value: float, decimals: int) -> str:  # Spark SQL's format_number(x, 2)
    ...


def _engine_name(expr: ir.Value) -> str | None:
    try:
        return ibis.get_backend(expr).name
    except Exception:  # noqa: BLE001 - an unbound expression: use the portable form
        return None


def format_number(value: ir.NumericValue, decimals: int = 2) -> ir.StringValue:
    """``value`` rounded to ``decimals`` places, with thousands separators and a leading ``-`` if negative.

    On DuckDB and Spark this is the engine's own number formatting (``format('{:,.2f}', x)``,
    ``format_number(x, 2)``), which rounds the binary value correctly like Python's ``f"{x:,.2f}"``;
    elsewhere :func:`portable_format_number`. A value that rounds to zero never shows as ``-0.00``.
    """
    safe = ibis.ifelse(value.round(decimals) == 0, value.abs(), value).cast("float64")
    engine = _engine_name(value)
    if engine == "duckdb":
        return _duckdb_format(f"{{:,.{decimals}f}}", safe)
    if engine == "pyspark":
        return _spark_format_number(safe, decimals)
    return portable_format_number(value, decimals)


def portable_format_number(value: ir.NumericValue, decimals: int = 2) -> ir.StringValue:
    """:func:`format_number` from arithmetic and string functions every engine has (half away from zero)."""
    scale = 10**decimals
    scaled = (value.abs() * scale).round(0).cast("int64")
    whole = format_integer(scaled // scale)
    text = whole + "." + (scaled % scale).cast("string").lpad(decimals, "0") if decimals else whole
    return ibis.ifelse((scaled > 0) & (value < 0), "-", "") + text


def format_value(value: ir.Value, unit: str, lang: Language) -> ir.StringValue:
    """An indicator value as text for its unit: money with 2 decimals, ratios in %, days and counts whole."""
    if unit in ("label", "date"):
        return value.cast("string")
    if unit == "flag":
        return value.cast("string")
    if unit == "ratio":
        return format_number(value * 100, 1) + "%"
    if unit == "days":
        return engine_text(DAYS, lang, days=format_number(value, 0))
    if unit in ("count", "rank"):
        return ibis.ifelse(value == value.round(0), format_number(value, 0), format_number(value, 2))
    if unit == "score":
        return format_number(value, 2)
    return format_number(value, 2)


def format_constant(value: float | str, unit: str = "currency", lang: Language = "en") -> str:
    """A bound from a policy as text: ``5000000`` → ``5,000,000``, ratio ``0.3`` → ``30%``."""
    if isinstance(value, str):
        return value
    formats = Formats(lang)
    if unit == "ratio":
        return formats.decimal(value * 100) + "%"
    text = formats.decimal(value)
    return translate(Message(DAYS, {"days": text}), lang) if unit == "days" else text


def indicator_label(name: str, lang: Language, override: dict[str, str] | None = None) -> str:
    """The readable label of an indicator (a policy may override it, e.g. ``12-month spend``)."""
    if override:
        return override[lang]
    found: Indicator | None = INDICATORS.get(name) or PROSPECT_INDICATORS.get(name)
    return found.label(lang) if found else name


def join_texts(texts: list[ir.StringValue], lang: Language) -> ir.StringValue:
    """Several condition texts joined with ``and`` / ``且``."""
    out = texts[0]
    for text in texts[1:]:
        out = engine_text(JOIN, lang, first=out, second=text)
    return out


def reason_list(items: list[ir.StringValue]) -> ir.ArrayValue:
    """The non-null texts of ``items`` as an array column (the ``reasons`` list)."""
    return ibis.array(items).filter(lambda text: text.notnull())
