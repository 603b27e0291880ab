"""The one zh-CN catalogue covers every message the code uses, and numbers and dates follow each language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tierwise.errors import UsageError, check_language
from tierwise.i18n import Formats, Message, catalogue_path, gettext_for, translate

SRC = Path(__file__).resolve().parents[1] / "src" / "tierwise"
#: gettext's names and the Message constructor: each takes the English message id as first argument
KEYWORDS = {"_": None, "N_": None, "Message": None}


def extracted_ids() -> set[str]:
    """Every message id the code and templates use, read by Babel's extractor from the whole package."""
    return {
        msg
        for _f, _l, msg, _c, _x in extract_from_dir(
            str(SRC),
            method_map=[("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")],
            options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords=KEYWORDS,
        )
    }


def catalogue():
    with catalogue_path("zh").open("rb") as po:
        return read_po(po)


def test_every_text_has_a_chinese_translation_and_none_is_stale() -> None:
    cat = catalogue()
    in_catalogue = {m.id for m in cat if m.id}
    used = extracted_ids()
    assert len(used) > 100
    assert sorted(used - in_catalogue) == []
    assert sorted(in_catalogue - used) == []
    assert [m.id for m in cat if m.id and not m.string] == []
    assert [m.id for m in cat if m.id and m.fuzzy] == []


def test_no_message_is_in_the_catalogue_twice() -> None:
    # a second entry of one id silently replaces the first translation everywhere the id is used
    ids = re.findall(r'^msgid "(.+)"$', catalogue_path("zh").read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_translations_keep_every_placeholder() -> None:
    slots = re.compile(r"%\(\w+\)s|%%")
    for m in catalogue():
        if m.id:
            assert sorted(slots.findall(m.id)) == sorted(slots.findall(m.string)), m.id


def test_templates_hold_no_untranslated_text() -> None:
    """Visible words in templates come from _(): strip tags, expressions and statements, nothing is left."""
    for path in [*(SRC / "reports" / "templates").glob("*.html"), *(SRC / "web" / "templates").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<style>.*?</style>|<script.*?</script>|<[^>]+>", " ", text, flags=re.S)
        assert re.findall(r"[A-Za-z\u4e00-\u9fff]{2,}", text) == [], path.name


def test_gettext_fills_parameters_in_both_languages() -> None:
    msg = Message("the %(policy)s policy was not selected (--policy %(policy)s)", {"policy": "key-account"})
    assert translate(msg, "en") == "the key-account policy was not selected (--policy key-account)"
    assert translate(msg, "zh") == "未选择 key-account 分类方案（--policy key-account）"
    assert gettext_for("zh")("Top 20%% of customers") == "前20%的客户"
    assert gettext_for("en")("Top 20%% of customers") == "Top 20% of customers"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["5,200,000", "0.645", "71.6%", "-0.3%", "5.8M", "147.5K", "9,999", "Jan 15, 2025", "–"]),
        ("zh", ["5,200,000", "0.645", "71.6%", "-0.3%", "581.2万", "14.8万", "9,999", "2025年1月15日", "–"]),
    ],
)
def test_formats(lang: str, expected: list[str]) -> None:
    f = Formats(lang)
    got = [
        f.number(5_199_999.6),
        f.number(0.6446, 3),
        f.percent(0.7157),
        f.percent(-0.0027),
        f.compact(5_812_000),
        f.compact(147_500),
        f.compact(9_999),
        f.date(dt.date(2025, 1, 15)),
        f.percent(None),
    ]
    assert got == expected


def test_an_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown language 'fr': choose en or zh"):
        check_language("fr")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        Formats("fr")


def test_no_message_is_written_inside_an_f_string() -> None:
    """The extractor cannot read ``f"{_('x')}"``: such a text would never reach the catalogue."""
    pattern = re.compile(r"\{(?:_|N_|Message)\(")
    offending = [
        f"{path.relative_to(SRC)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offending == []
