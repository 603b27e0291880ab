"""A hand-built report model with every section, the figures the renderers' tests check against."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from tierwise.i18n import Message
from tierwise.report_model import (
    Account,
    AtRisk,
    AtRiskAccount,
    ClassDistribution,
    ClassRow,
    Clv,
    ClvTier,
    Finding,
    KeyAccounts,
    Migration,
    Pareto,
    ProspectGrade,
    Prospects,
    ReportData,
    RfmCell,
    RfmMap,
    Summary,
)


def full_report(lang: str = "en") -> ReportData:
    """A report with every section filled with small, exactly known figures."""
    zh = lang == "zh"
    customers = pa.table(
        {
            "customer_id": ["C001", "C002", "C003", "C004"],
            "name": ["华东机电有限公司", "Northwind Traders", "上海邮政速递", "Contoso"],
            "owner": ["wang", "li", None, "wang"],
            "class_china-post": ["diamond", "gold", "vip", "standard"],
            "label_china-post": ["钻石", "金牌", "VIP", "普通"] if zh else ["diamond", "gold", "VIP", "standard"],
            "sales_12m": [5_200_000.0, 600_000.0, 12_000.0, 0.0],
            "profit_12m": [1_040_000.0, 90_000.0, -3_000.0, None],
            "last_purchase": [dt.date(2025, 1, 10), dt.date(2024, 11, 2), dt.date(2024, 3, 5), None],
            "p_alive": [0.98, 0.41, 0.12, None],
            "clv_12m": [4_800_000.0, 250_000.0, 1_500.0, None],
        }
    )
    return ReportData(
        title="客户价值报告" if zh else "Customer value report",
        dataset="demo",
        as_of=dt.date(2025, 1, 15),
        lang=lang,
        compare=dt.date(2024, 1, 15),
        policies=["china-post", "key-account", "prospect-grade"],
        generated_at=dt.datetime(2025, 1, 16, 9, 30),
        summary=Summary(
            customers=4,
            active_customers=3,
            sales_12m=5_812_000.0,
            profit_12m=1_127_000.0,
            transactions=1_234,
            first_date=dt.date(2022, 1, 3),
            last_date=dt.date(2025, 1, 14),
            findings=[
                Finding(Message("customers without any purchase"), 1),
                Finding(Message("returns (negative amounts)"), 17, "warning"),
            ],
        ),
        classes=[
            ClassDistribution(
                policy="china-post",
                version="1",
                title="中国邮政大客户分级" if zh else "China Post key-customer tiers",
                rows=[
                    ClassRow(
                        "diamond",
                        "钻石" if zh else "diamond",
                        1,
                        0.25,
                        5_200_000.0,
                        5_200_000 / 5_812_000,
                        1_040_000.0,
                        1_040_000 / 1_127_000,
                    ),
                    ClassRow(
                        "gold",
                        "金牌" if zh else "gold",
                        1,
                        0.25,
                        600_000.0,
                        600_000 / 5_812_000,
                        90_000.0,
                        90_000 / 1_127_000,
                    ),
                    ClassRow("vip", "VIP", 1, 0.25, 12_000.0, 12_000 / 5_812_000, -3_000.0, -3_000 / 1_127_000),
                    ClassRow("standard", "普通" if zh else "standard", 1, 0.25, 0.0, 0.0, 0.0, 0.0),
                ],
            )
        ],
        pareto=Pareto(
            customer_share=[0.0, 0.25, 0.5, 0.75, 1.0],
            sales_share=[0.0, 5_200_000 / 5_812_000, 5_800_000 / 5_812_000, 1.0, 1.0],
            profit_share=[0.0, 1_040_000 / 1_127_000, 1_130_000 / 1_127_000, 1.0, 1.0],
            gini=0.6446,
            top20_sales_share=0.7157,
            customers_for_80=0.2235,
            top20_profit_share=0.7383,
            profit_peak_customer_share=0.5,
            profit_peak_share=1_130_000 / 1_127_000,
            bottom30_profit_share=-0.0027,
        ),
        rfm=RfmMap(
            cells=[RfmCell(5, 5, 1, 5_200_000.0), RfmCell(4, 3, 1, 600_000.0), RfmCell(1, 1, 2, 6_000.0)],
            segments=[
                ("hibernating", "沉睡" if zh else "hibernating", 2),
                ("champions", "冠军" if zh else "champions", 1),
                ("loyal", "忠诚" if zh else "loyal", 1),
            ],
        ),
        key_accounts=KeyAccounts(
            policy="key-account",
            accounts=[
                Account(
                    "C001",
                    "华东机电有限公司",
                    "key",
                    "大客户" if zh else "key",
                    5_200_000.0,
                    1_040_000.0,
                    ["12-month sales 5,200,000.00 ≥ 1,000,000 → key", "share of sales 89.5% ≥ 5% → key"],
                    "wang",
                ),
                Account(
                    "C002",
                    "Northwind Traders",
                    "key",
                    "大客户" if zh else "key",
                    600_000.0,
                    90_000.0,
                    ["gross margin 15.0% ≥ 12% with sales ≥ 500,000 → key"],
                    "li",
                ),
            ],
            total=2,
            sales_share=5_800_000 / 5_812_000,
        ),
        prospects=Prospects(
            policy="prospect-grade",
            grades=[
                ProspectGrade("A", "A", 3, 8, 10.0, "weekly"),
                ProspectGrade("B", "B", 5, 12, 4.0, "every two weeks"),
                ProspectGrade("C", "C", 9, 24, 4.0, "monthly"),
                ProspectGrade("new", "新客户开发" if zh else "new-account development", 0, 40, 2.0, None),
            ],
        ),
        clv=Clv(
            model="bgnbd",
            horizon_days=365,
            tiers=[
                ClvTier("high", "高" if zh else "high", 1, 4_800_000.0, 4_800_000 / 5_051_500),
                ClvTier("medium", "中" if zh else "medium", 1, 250_000.0, 250_000 / 5_051_500),
                ClvTier("low", "低" if zh else "low", 1, 1_500.0, 1_500 / 5_051_500),
            ],
            total_clv=5_051_500.0,
            p_alive_edges=[i / 10 for i in range(11)],
            p_alive_counts=[0, 1, 0, 0, 1, 0, 0, 0, 0, 1],
        ),
        at_risk=AtRisk(
            threshold=0.5,
            accounts=[
                AtRiskAccount(
                    "C002",
                    "Northwind Traders",
                    "金牌" if zh else "gold",
                    0.41,
                    dt.date(2024, 11, 2),
                    0.8,
                    250_000.0,
                    147_500.0,
                )
            ],
            total=1,
            value_at_risk=147_500.0,
        ),
        migration=Migration(
            policy="china-post",
            from_date=dt.date(2024, 1, 15),
            to_date=dt.date(2025, 1, 15),
            classes=[
                ("diamond", "钻石" if zh else "diamond"),
                ("gold", "金牌" if zh else "gold"),
                ("vip", "VIP"),
                ("standard", "普通" if zh else "standard"),
            ],
            counts=[[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]],
            upgrades=1,
            downgrades=1,
            unchanged=2,
        ),
        customers=customers,
    )


@pytest.fixture(params=["en", "zh"])
def report(request: pytest.FixtureRequest) -> ReportData:
    """The full hand-built report, in each language."""
    return full_report(request.param)


@pytest.fixture
def make_report():
    """The builder of the hand-built report: ``make_report("zh")``."""
    return full_report
