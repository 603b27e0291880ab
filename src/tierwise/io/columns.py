"""The input data contract: tables, canonical columns, their types, and every accepted header alias.

This is the one mapping table for headers. A header matches a column when, after trimming and
lower-casing (and removing spaces, ``_`` and ``-`` for English), it equals the column name or one of its
aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "date", "float", "int", "bool"]


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, type, whether it is required, and its header aliases."""

    name: str
    type: ColumnType
    required: bool = False
    zh: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One table of a data set: canonical name, Chinese name, key column and columns in order."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: str | None = None
    file_aliases: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


C = Column
_CUSTOMER_ID = C(
    "customer_id",
    "string",
    True,
    "客户编号",
    ("客户id", "客户代码", "客户号", "customer", "customerid", "cust_id", "client_id"),
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        TableSpec(
            "customers",
            "客户",
            (
                _CUSTOMER_ID,
                C("name", "string", True, "客户名称", ("名称", "客户名", "姓名", "customer_name", "company")),
                C("kind", "string", False, "客户类型", ("类型", "客户性质", "type", "customer_type")),
                C("industry", "string", False, "行业", ("所属行业", "sector")),
                C("region", "string", False, "地区", ("区域", "所在地区", "省份", "area")),
                C(
                    "owner",
                    "string",
                    False,
                    "客户经理",
                    ("负责人", "销售代表", "业务员", "account_manager", "sales_rep"),
                ),
                C("org_level", "string", False, "机构级别", ("行政级别", "单位级别", "level")),
                C("id_number", "string", False, "身份证号", ("证件号码", "身份证号码", "证件号", "id_no")),
                C("phone", "string", False, "手机", ("电话", "联系电话", "手机号", "mobile", "tel")),
                C("email", "string", False, "邮箱", ("电子邮件", "电子邮箱", "e-mail", "mail")),
                C("created_at", "date", False, "建档日期", ("创建日期", "开户日期", "注册日期", "created", "since")),
                C("annual_revenue", "float", False, "年营业额", ("年收入", "营业收入", "年销售额", "revenue")),
                C("employees", "int", False, "员工人数", ("员工数", "人数", "staff", "headcount")),
                C("it_status", "string", False, "信息化状况", ("it状况", "信息化水平", "it")),
            ),
            key="customer_id",
            file_aliases=("客户", "客户表", "客户档案", "customer", "clients"),
        ),
        TableSpec(
            "transactions",
            "交易",
            (
                _CUSTOMER_ID,
                C(
                    "date",
                    "date",
                    True,
                    "交易日期",
                    ("日期", "下单日期", "订单日期", "销售日期", "order_date", "transaction_date"),
                ),
                C(
                    "amount",
                    "float",
                    True,
                    "金额",
                    ("交易金额", "销售额", "销售金额", "订单金额", "sales", "value", "revenue"),
                ),
                C("transaction_id", "string", False, "交易编号", ("订单号", "订单编号", "单号", "order_id", "invoice")),
                C("cost", "float", False, "成本", ("销售成本", "成本金额", "cogs")),
                C("profit", "float", False, "利润", ("毛利", "毛利润", "毛利额", "margin", "gross_profit")),
                C("category", "string", False, "品类", ("产品类别", "类别", "商品类别", "product_category")),
                C("channel", "string", False, "渠道", ("销售渠道",)),
                C("quantity", "float", False, "数量", ("件数", "qty", "units")),
            ),
            key="transaction_id",
            file_aliases=("交易", "交易记录", "交易明细", "销售", "销售记录", "订单", "transaction", "sales", "orders"),
        ),
        TableSpec(
            "receivables",
            "应收账款",
            (
                C("invoice_id", "string", True, "发票号", ("发票编号", "单据号", "invoice", "invoice_no")),
                _CUSTOMER_ID,
                C("invoice_date", "date", True, "开票日期", ("发票日期", "开单日期")),
                C("due_date", "date", True, "到期日", ("应收日期", "到期日期", "账期到期日")),
                C("amount", "float", True, "应收金额", ("金额", "发票金额", "invoice_amount")),
                C("paid_date", "date", False, "回款日期", ("付款日期", "收款日期", "payment_date")),
                C("paid_amount", "float", False, "回款金额", ("已付金额", "收款金额", "实收金额", "payment_amount")),
            ),
            key="invoice_id",
            file_aliases=("应收账款", "应收", "应收款", "receivable", "invoices"),
        ),
        TableSpec(
            "opportunities",
            "商机",
            (
                C("opportunity_id", "string", True, "商机编号", ("机会编号", "项目编号", "opportunity")),
                _CUSTOMER_ID,
                C("stage", "string", True, "阶段", ("销售阶段", "商机阶段", "状态")),
                C("expected_close_date", "date", False, "预计成交日期", ("预计签约日期", "预计成交时间", "close_date")),
                C("amount", "float", False, "预计金额", ("商机金额", "金额", "预计签约金额")),
                C("objective_need", "string", False, "客观需求", ("客观需要",)),
                C("subjective_need", "string", False, "主观需求", ("主观需要", "意愿")),
                C("resolve", "string", False, "决心", ("决策决心", "购买决心")),
                C("feasibility_started", "bool", False, "已开始可行性研究", ("可行性研究", "可研启动")),
                C("selection_started", "bool", False, "已开始选型", ("供应商选型", "选型启动")),
            ),
            key="opportunity_id",
            file_aliases=("商机", "销售机会", "潜在客户", "opportunity", "pipeline"),
        ),
        TableSpec(
            "visits",
            "拜访",
            (
                _CUSTOMER_ID,
                C("date", "date", True, "拜访日期", ("访问日期", "日期", "visit_date")),
                C("visit_id", "string", False, "拜访编号", ("访问编号", "visit")),
                C("contact_person", "string", False, "联系人", ("接待人", "对接人", "contact")),
                C("channel", "string", False, "方式", ("拜访方式", "访问方式", "渠道")),
                C("content", "string", False, "内容", ("拜访内容", "访问内容", "notes")),
                C("progress", "string", False, "进展", ("进度", "拜访结果", "result")),
                C("next_visit_date", "date", False, "下次拜访日期", ("下次访问日期", "下次日期", "next_visit")),
            ),
            key="visit_id",
            file_aliases=("拜访", "拜访记录", "访问履历", "访问记录", "visit", "calls"),
        ),
        TableSpec(
            "complaints",
            "投诉",
            (
                _CUSTOMER_ID,
                C("date", "date", True, "投诉日期", ("抱怨日期", "日期", "complaint_date")),
                C("complaint_id", "string", False, "投诉编号", ("抱怨编号", "complaint")),
                C("category", "string", False, "投诉类别", ("类别", "抱怨类别", "type")),
                C("description", "string", False, "描述", ("投诉内容", "抱怨内容", "内容")),
                C("cause", "string", False, "原因", ("投诉原因", "抱怨原因")),
                C("resolution", "string", False, "处理措施", ("处理结果", "解决方案", "处理办法")),
                C("status", "string", False, "状态", ("处理状态",)),
                C("resolved_date", "date", False, "解决日期", ("处理完成日期", "结案日期", "closed_date")),
            ),
            key="complaint_id",
            file_aliases=("投诉", "抱怨", "抱怨管理", "投诉记录", "complaint", "issues"),
        ),
        TableSpec(
            "surveys",
            "满意度调查",
            (
                _CUSTOMER_ID,
                C("date", "date", True, "调查日期", ("日期", "survey_date")),
                C("csat", "int", False, "满意度", ("满意度评分", "满意度得分", "satisfaction")),
                C("nps", "int", False, "推荐度", ("净推荐值", "nps评分", "推荐意愿")),
                C("comment", "string", False, "意见", ("备注", "评价", "comments")),
            ),
            file_aliases=("满意度调查", "满意度", "调查", "问卷", "survey", "feedback"),
        ),
    )
}

ORG_LEVELS = ("national", "provincial", "municipal", "county")

# Canonical values of coded columns, and the Chinese (or other) spellings the reader maps onto them.
# A value outside a column's vocabulary is an error.
VALUE_MAPS: dict[tuple[str, str], dict[str, str]] = {
    ("customers", "kind"): {
        "person": "person",
        "company": "company",
        "个人": "person",
        "企业": "company",
        "公司": "company",
        "单位": "company",
        "机构": "company",
    },
    ("customers", "org_level"): {
        "national": "national",
        "provincial": "provincial",
        "municipal": "municipal",
        "county": "county",
        "国家级": "national",
        "中央": "national",
        "省级": "provincial",
        "市级": "municipal",
        "地市级": "municipal",
        "县级": "county",
        "区县级": "county",
    },
    ("opportunities", "stage"): {
        "lead": "lead",
        "qualified": "qualified",
        "proposal": "proposal",
        "negotiation": "negotiation",
        "won": "won",
        "lost": "lost",
        "线索": "lead",
        "需求确认": "qualified",
        "方案": "proposal",
        "谈判": "negotiation",
        "赢单": "won",
        "成交": "won",
        "输单": "lost",
        "丢单": "lost",
    },
    ("opportunities", "objective_need"): {"yes": "yes", "no": "no", "有": "yes", "无": "no", "是": "yes", "否": "no"},
    ("opportunities", "subjective_need"): {
        "high": "high",
        "mid": "mid",
        "low": "low",
        "高": "high",
        "中": "mid",
        "低": "low",
    },
    ("opportunities", "resolve"): {
        "high": "high",
        "mid": "mid",
        "low": "low",
        "强": "high",
        "高": "high",
        "中": "mid",
        "弱": "low",
        "低": "low",
    },
    ("complaints", "status"): {
        "open": "open",
        "resolved": "resolved",
        "未解决": "open",
        "处理中": "open",
        "待处理": "open",
        "已解决": "resolved",
        "已关闭": "resolved",
    },
}
OPEN_STAGES = ("lead", "qualified", "proposal", "negotiation")
TRUE_WORDS = ("true", "yes", "y", "1", "是", "已开始", "有", "√")
FALSE_WORDS = ("false", "no", "n", "0", "否", "未开始", "无", "")


def normalize_header(header: str) -> str:
    """The form in which headers are compared: trimmed, lower-case, without spaces, ``_`` or ``-``.

    >>> normalize_header(" Customer_ID ")
    'customerid'
    """
    return re.sub(r"[\s_\-（）()]+", "", str(header).strip().lower())


def _build_header_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for table in TABLES.values():
        names: dict[str, str] = {}
        for col in table.columns:
            for alias in (col.name, col.zh, *col.aliases):
                if alias:
                    names.setdefault(normalize_header(alias), col.name)
        index[table.name] = names
    return index


HEADER_INDEX = _build_header_index()


def canonical_column(table: str, header: str) -> str | None:
    """The canonical column a header stands for in ``table``, or ``None`` for an unknown column.

    >>> canonical_column("transactions", "交易金额")
    'amount'
    """
    return HEADER_INDEX[table].get(normalize_header(header))


def table_for_file_stem(stem: str) -> str | None:
    """Which table a file holds, from its stem (``交易`` → ``transactions``), or ``None``."""
    key = normalize_header(stem)
    for table in TABLES.values():
        if key in {normalize_header(a) for a in (table.name, table.zh, *table.file_aliases)}:
            return table.name
    return None
