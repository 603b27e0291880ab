"""The report service on a small hand-made data set, and ``tierwise report`` end to end."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.config import Settings
from tierwise.errors import ModelWarning
from tierwise.i18n import translate
from tierwise.io.readers import read_dataset
from tierwise.policy_files import PolicyRef
from tierwise.reports import write_report
from tierwise.services.context import ServiceContext
from tierwise.services.report import NO_COMPARE, NO_OPPORTUNITIES, NO_PROFIT, NO_RECEIVABLES, build_report_data

CTX = ServiceContext(Settings(engine="duckdb", lang="en"))

CUSTOMERS = """客户编号,客户名称,客户经理
C1,华东机电有限公司,wang
C2,Northwind,li
C3,Contoso,wang
"""
# as of 2025-01-15 the 12-month window is 2024-01-16 … 2025-01-15
TRANSACTIONS = """客户编号,交易日期,金额,利润
C1,2023-06-01,1000,100
C1,2024-01-16,5000,900
C1,2025-01-15,3000,300
C2,2024-01-15,700,70
C2,2024-05-01,-200,-20
C1,2025-02-01,99999,1
"""


# two buyers are too few to pin BG/NBD (or Pareto/NBD) down: its fit runs on without converging and its
# standard errors are undefined; C2's return leaves its repeat spend negative, so one repeat buyer is too few
# for Gamma-Gamma. The value models say so (test_the_value_fit_on_two_buyers_says_so); the other tests here
# are about the report
VALUE_WARNINGS = (
    "1 repeat buyer(s) have no usable spend (0 zero, 1 negative, 0 missing): they are left out of the spend fit "
    "and valued at the mean spend per purchase",
    "spend model not used (the Gamma-Gamma model needs at least 2 repeat buyers, got 1); every customer gets the "
    "mean spend 4000.00",
    "BetaGeoFitter: the fit did not converge: ABNORMAL: ",
    "BetaGeoFitter: the standard errors are undefined: the likelihood is not curved in every direction at the "
    "estimate (the data do not pin every parameter down)",
)
pytestmark = pytest.mark.filterwarnings(
    "ignore:((BetaGeoFitter|ParetoNBDFitter). the (fit did not converge|standard errors are undefined)"
    "|1 repeat buyer|spend model not)"
    ":tierwise.errors.ModelWarning"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    (tmp_path / "transactions.csv").write_text(TRANSACTIONS, encoding="utf-8")
    return tmp_path


def test_summary_figures_at_the_window_bounds(folder: Path) -> None:
    report = build_report_data(CTX, read_dataset(folder), as_of=dt.date(2025, 1, 15))
    s = report.summary
    assert s.customers == 3
    assert s.sales_12m == 5000 + 3000 - 200  # 2024-01-15 is outside the window, 2024-01-16 inside
    assert s.profit_12m == 900 + 300 - 20
    assert s.active_customers == 1  # C1; C2 only returned goods in the window, and a return is no purchase
    assert s.transactions == 5  # the 2025-02-01 row is after the as-of date
    assert (s.first_date, s.last_date) == (dt.date(2023, 6, 1), dt.date(2025, 1, 15))
    found = {f.message.msgid: f.count for f in s.findings}
    assert found == {
        "customers without any purchase up to the report date": 1,  # C3
        "customers with no purchase in the last 12 months": 1,  # C2
        "returns (negative amounts) in the last 12 months": 1,
    }


def test_customer_list_largest_sales_first(folder: Path) -> None:
    report = build_report_data(CTX, read_dataset(folder), as_of=dt.date(2025, 1, 15))
    table = report.customers
    assert table.column("customer_id").to_pylist() == ["C1", "C3", "C2"]
    assert table.column("sales_12m").to_pylist() == [8000.0, 0.0, -200.0]
    assert table.column("name").to_pylist()[0] == "华东机电有限公司"


def test_absent_inputs_are_named(folder: Path) -> None:
    report = build_report_data(
        CTX, read_dataset(folder), policies=["key-account", "prospect-grade"], as_of=dt.date(2025, 1, 15)
    )
    # key accounts are still found on sales; the credit criterion could not be assessed, and the report says so
    assert report.key_accounts is not None
    assert NO_RECEIVABLES in [f.message for f in report.summary.findings]
    assert report.missing["prospects"] == [NO_OPPORTUNITIES]
    assert report.missing["migration"] == [NO_COMPARE]
    assert translate(NO_RECEIVABLES, "zh") == "没有应收账款表：未评估财务信用"


def test_pareto_figures_of_the_hand_data(folder: Path) -> None:
    p = build_report_data(CTX, read_dataset(folder), as_of=dt.date(2025, 1, 15)).pareto
    # active customers: C1 (sales 8,000, profit 1,200) and C2 (net returns: sales counted 0, profit -20)
    assert p.customer_share == [0.0, 0.5, 1.0]
    assert p.sales_share == [0.0, 1.0, 1.0]
    assert p.profit_share == [0.0, pytest.approx(1200 / 1180), 1.0]
    assert (p.gini, p.customers_for_80) == (0.5, 0.5)
    assert p.top20_sales_share == 0.0  # 20 % of 2 customers is no whole customer
    assert (p.profit_peak_customer_share, p.profit_peak_share) == (0.5, pytest.approx(1200 / 1180))
    assert p.bottom30_profit_share == pytest.approx(-20 / 1180)


def test_migration_matrix_by_hand() -> None:
    import pyarrow as pa

    from tierwise.analytics.classify.policy import load_policy
    from tierwise.analytics.engine import Engine
    from tierwise.services.report import migration_section

    def run(pairs):
        ids, classes = zip(*pairs, strict=True)
        return pa.table(
            {
                "customer_id": list(ids),
                "class": list(classes),
                "reasons": pa.array([[]] * len(ids), pa.list_(pa.string())),
            }
        )

    before = run([("C1", "a"), ("C2", "b"), ("C3", "c"), ("C4", "a"), ("C5", "c")])
    after = run([("C1", "a"), ("C2", "a"), ("C3", "b"), ("C4", "c"), ("C6", "c")])
    m = migration_section(
        Engine.create("duckdb"), load_policy("abc"), before, after, dt.date(2024, 1, 15), dt.date(2025, 1, 15), "en"
    )
    assert [code for code, _ in m.classes] == ["a", "b", "c", "(new)", "(gone)"]
    assert m.counts == [[1, 0, 1, 0, 0], [1, 0, 0, 0, 0], [0, 1, 0, 0, 1], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0]]
    assert (m.upgrades, m.downgrades, m.unchanged) == (2, 1, 1)
    assert m.classes[3][1] == "new customer"
    assert m.links() == [(0, 0, 1), (0, 2, 1), (1, 0, 1), (2, 1, 1), (2, 4, 1), (3, 2, 1)]


def test_without_profit_or_cost_no_profit_is_shown(folder: Path) -> None:
    (folder / "transactions.csv").write_text(
        "\n".join(",".join(line.split(",")[:3]) for line in TRANSACTIONS.splitlines()) + "\n", encoding="utf-8"
    )
    report = build_report_data(CTX, read_dataset(folder), as_of=dt.date(2025, 1, 15))
    assert report.summary.profit_12m is None
    assert NO_PROFIT in [f.message for f in report.summary.findings]
    assert "profit_12m" not in report.customers.column_names


@pytest.mark.parametrize(
    ("lang", "heading", "said"),
    [("en", "Customer value report", "wrote"), ("zh", "客户价值报告", "已写出")],
)
def test_report_command_writes_html_and_xlsx(folder: Path, tmp_path: Path, lang: str, heading: str, said: str) -> None:
    runner = CliRunner()
    html = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(folder), "--as-of", "2025-01-15", "--lang", lang, "--out", str(html)])
    assert result.exit_code == 0, result.output
    assert said in result.output and ("sections:" in result.output) == (lang == "en")
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    assert soup.h1.get_text() == heading
    xlsx = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["report", str(folder), "--as-of", "2025-01-15", "--lang", lang, "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(xlsx)
    customers = book.worksheets[-1]
    assert [customers.cell(r, 1).value for r in (2, 3, 4)] == ["C1", "C3", "C2"]


def test_report_command_refuses_an_unknown_format(folder: Path, tmp_path: Path) -> None:
    from tierwise.errors import UsageError

    result = CliRunner().invoke(app, ["report", str(folder), "--out", str(tmp_path / "report.pdf")])
    assert isinstance(result.exception, UsageError)
    assert str(result.exception) == "cannot write a report to 'report.pdf': the file must end in .html or .xlsx"
    assert result.exception.exit_code == 2
    assert not (tmp_path / "report.pdf").exists()


def test_clv_tiers_and_p_alive_histogram_by_hand() -> None:
    import pyarrow as pa

    from tierwise.services.report_clv import clv_section

    values = pa.table(
        {
            "customer_id": [f"C{i:02d}" for i in range(10)],
            "p_alive": [0.05, 0.15, 0.15, 0.95, 1.0, 0.5, 0.49, 0.999, 0.2, None],
            "clv_12m": [10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0],
        }
    )
    clv = clv_section(values, "en")
    assert [(t.code, t.customers, t.clv) for t in clv.tiers] == [
        ("high", 2, 19.0),
        ("medium", 3, 21.0),
        ("low", 5, 15.0),
    ]
    assert clv.total_clv == 55.0
    assert [t.clv_share for t in clv.tiers] == [19 / 55, 21 / 55, 15 / 55]
    assert clv.p_alive_edges == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    # 0.2 opens the third bin, 0.5 the sixth; 1.0 closes the last; the null is left out
    assert clv.p_alive_counts == [1, 2, 1, 0, 1, 1, 0, 0, 0, 3]
    assert [t.label for t in clv_section(values, "zh").tiers] == ["高价值", "中价值", "低价值"]


def test_clv_tier_sizes_round_half_up() -> None:
    import pyarrow as pa

    from tierwise.services.report_clv import clv_section

    values = pa.table(
        {"customer_id": ["B", "A", "D", "C", "E"], "p_alive": [0.5] * 5, "clv_12m": [5.0, 5.0, 1.0, 1.0, 1.0]}
    )
    # top 20 % of 5 customers is 1; the next 30 % ends at 2.5 customers, rounded half up to 3
    tiers = clv_section(values, "en").tiers
    assert [(t.customers, t.clv) for t in tiers] == [(1, 5.0), (2, 6.0), (2, 2.0)]


def test_policies_fill_their_sections(folder: Path) -> None:
    report = build_report_data(
        CTX,
        read_dataset(folder),
        policies=["china-post", "rfm", "key-account"],
        as_of=dt.date(2025, 1, 15),
        compare=dt.date(2024, 6, 1),
        lang="zh",
    )
    assert [d.policy for d in report.classes] == ["china-post", "key-account"]  # rfm has its own map
    dist = report.classes[0]
    assert sum(r.customers for r in dist.rows) + dist.unclassified == 3
    assert [r.label for r in dist.rows] == ["钻石", "铂金", "金卡", "VIP", "普通"]
    assert report.rfm is not None and sum(c.customers for c in report.rfm.cells) >= 1
    assert report.migration is not None and report.migration.policy == "china-post"
    assert "class_china-post" in report.customers.column_names
    assert "class_rfm" not in report.customers.column_names


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_the_report_is_the_same_on_every_engine(folder: Path, engine: str) -> None:
    if engine == "spark":
        pytest.importorskip("pyspark", reason="pyspark is not installed (the 'spark' extra)")
    settings = Settings(engine=engine, spark_master="local[2]")
    report = build_report_data(
        ServiceContext.system(settings),
        read_dataset(folder, settings=settings),
        policies=["abc", "china-post"],
        as_of=dt.date(2025, 1, 15),
    )
    assert report.summary.sales_12m == 7_800.0
    assert report.pareto.gini == 0.5
    assert [[r.customers for r in d.rows] for d in report.classes] == [[1, 0, 2], [0, 0, 0, 0, 3]]
    assert report.customers.column("class_abc").to_pylist() == ["a", "c", "c"]


def test_the_key_account_list_comes_from_any_policy_that_says_so(folder: Path, tmp_path: Path) -> None:
    from tierwise.analytics.classify.policy import policy_text

    text = policy_text("key-account")[0].replace("name: key-account", "name: our-big-clients")
    (tmp_path / "ours.yaml").write_text(text, encoding="utf-8")
    plain = text.replace("key_accounts: true", "key_accounts: false")
    (tmp_path / "plain.yaml").write_text(plain, encoding="utf-8")
    as_of = dt.date(2025, 1, 15)
    report = build_report_data(
        CTX, read_dataset(folder), policies=[PolicyRef.file(tmp_path / "ours.yaml")], as_of=as_of
    )
    assert report.key_accounts is not None and report.key_accounts.policy == "our-big-clients"
    report = build_report_data(
        CTX, read_dataset(folder), policies=[PolicyRef.file(tmp_path / "plain.yaml")], as_of=as_of
    )
    assert report.key_accounts is None
    assert report.missing["key_accounts"][0].params == {"policy": "key-account"}


def test_the_value_fit_on_two_buyers_says_so(folder: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ModelWarning)
        report = build_report_data(CTX, read_dataset(folder), as_of=dt.date(2025, 1, 15))
    assert not [w for w in caught if issubclass(w.category, ModelWarning)]  # held by the report, not let out
    said = [translate(w, "en") for w in report.clv.warnings]
    assert sorted(said) == sorted(VALUE_WARNINGS)  # each once
    html = write_report(report, tmp_path / "report.html").read_text(encoding="utf-8")
    shown = [p.get_text(" ", strip=True) for p in BeautifulSoup(html, "html.parser").select("#clv p.warning")]
    assert sorted(shown) == sorted(f"warning: {w}".strip() for w in VALUE_WARNINGS)
    sheet = openpyxl.load_workbook(write_report(report, tmp_path / "report.xlsx"))["CLV"]
    cells = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    assert {f"warning: {w}" for w in VALUE_WARNINGS} <= cells


def test_a_chinese_report_gives_the_fit_warnings_in_chinese(folder: Path, tmp_path: Path) -> None:
    report = build_report_data(CTX, read_dataset(folder), as_of=dt.date(2025, 1, 15), lang="zh")
    html = write_report(report, tmp_path / "report.html").read_text(encoding="utf-8")
    shown = [p.get_text(" ", strip=True) for p in BeautifulSoup(html, "html.parser").select("#clv p.warning")]
    assert len(shown) == len(VALUE_WARNINGS)
    assert all(text.startswith("警告") for text in shown), shown
    assert any("位回头客没有可用的消费金额" in text for text in shown), shown


def test_the_value_model_and_horizon_are_parameters(folder: Path) -> None:
    as_of = dt.date(2025, 1, 15)
    year = build_report_data(CTX, read_dataset(folder), as_of=as_of)
    assert (year.clv.model, year.clv.horizon_days) == ("BG/NBD", 365)
    quarter = build_report_data(CTX, read_dataset(folder), as_of=as_of, value_model="pareto", horizon_days=90)
    assert (quarter.clv.model, quarter.clv.horizon_days) == ("Pareto/NBD", 90)


def test_the_prospect_grades_come_from_any_prospect_policy(folder: Path, tmp_path: Path) -> None:
    from tierwise.analytics.classify.policy import policy_text

    (folder / "opportunities.csv").write_text(
        "opportunity_id,customer_id,stage,expected_close_date\nO1,C3,proposal,2025-04-30\n", encoding="utf-8"
    )
    text = policy_text("prospect-grade")[0].replace("name: prospect-grade", "name: our-pipeline")
    (tmp_path / "pipeline.yaml").write_text(text, encoding="utf-8")
    report = build_report_data(
        CTX, read_dataset(folder), policies=[PolicyRef.file(tmp_path / "pipeline.yaml")], as_of=dt.date(2025, 1, 15)
    )
    assert "prospects" not in report.missing
    assert report.prospects is not None
