"""The Excel report's "Analyses" sheet: per class of the first policy and per account manager, the
segment figures (loyalty, the year's profit, future value), the first-purchase cohorts, the product mix,
the promotion response and the cross-sell gaps, one block under the other, with a chart of the repeat rate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tierwise.analyses_model import SegmentAnalyses
from tierwise.i18n import gettext_for
from tierwise.reports.workbook import SheetBuffer


def write_analyses(
    buf: SheetBuffer, sheet: str, analyses: tuple[SegmentAnalyses, ...], lang: str, chart: Callable[..., Any]
) -> None:
    """Fill ``buf`` (the sheet named ``sheet``) with ``analyses``; ``chart(kind, title)`` makes an Excel chart."""
    _ = gettext_for(lang)
    row = 0
    for a in analyses:
        heading = _("Per class of %(policy)s", policy=a.policy) if a.by == "class" else _("Per account manager")
        buf.put(row, 0, heading, "title")
        row += 2
        first = row
        headers = [_("Class") if a.by == "class" else _("Account manager"), _("Buyers"), _("Repeat customers"),
                   _("Repeat rate"), _("12-month sales"), _("12-month profit"), _("Margin"), _("Customers valued"),
                   _("Average P(alive)"), _("Expected purchases"), _("Expected 12-month value")]  # fmt: skip
        rows = [[s.label, s.customers, s.repeat_customers, s.repeat_rate, s.sales, s.profit, s.margin, s.valued,
                 s.p_alive, s.expected_purchases_12m, s.clv_12m] for s in a.segments]  # fmt: skip
        styles = ["text", "int", "int", "ratio", "money", "money", "ratio", "int", "ratio", "float", "money"]
        row = buf.table(row, 0, headers, rows, styles) + 1
        if rows:
            bars = chart("column", _("Repeat rate"))
            bars.add_series({"name": [sheet, first, 3], "categories": [sheet, first + 1, 0, first + len(rows), 0],
                             "values": [sheet, first + 1, 3, first + len(rows), 3]})  # fmt: skip
            bars.set_legend({"none": True})
            bars.set_y_axis({"num_format": "0%", "max": 1})
            buf.sheet.insert_chart(first, len(headers) + 1, bars)
            row = max(row, first + 18)
        together = [c for c in a.cohorts if c.segment is None]
        if together:
            buf.put(row, 0, _("Retention by first-purchase quarter"), "label")
            width = max(len(c.retention) for c in together)
            cohort_rows = [[f"{c.cohort.year}Q{(c.cohort.month - 1) // 3 + 1}", c.customers,
                            *c.retention, *[None] * (width - len(c.retention))] for c in together]  # fmt: skip
            row = buf.table(row + 1, 0, [_("First purchase"), _("Customers"), *[str(k) for k in range(width)]],
                            cohort_rows, ["text", "int", *["ratio"] * width]) + 1  # fmt: skip
        if a.mix:
            buf.put(row, 0, _("Product mix"), "label")
            mix = [[a.label(m.segment), m.category, m.sales, m.share] for m in a.mix]
            row = buf.table(row + 1, 0, [_("Segment"), _("Category"), _("Sales"), _("Share")], mix,
                            ["text", "text", "money", "ratio"]) + 1  # fmt: skip
        if a.promotions:
            buf.put(row, 0, _("Promotion response"), "label")
            promo = [[p.promotion, p.start, p.end, a.label(p.segment), p.customers, p.window_sales, p.expected_sales,
                      p.uplift, p.uplift_ratio] for p in a.promotions]  # fmt: skip
            promo_headers = [_("Promotion"), _("From"), _("To"), _("Segment"), _("Customers"),
                             _("Sales in the window"), _("Expected from the baseline"), _("Uplift"),
                             _("Uplift ratio")]  # fmt: skip
            promo_styles = ["text", "date", "date", "text", "int", "money", "money", "money", "ratio"]
            row = buf.table(row + 1, 0, promo_headers, promo, promo_styles) + 1
        if a.gaps:
            buf.put(row, 0, _("Cross-sell gaps"), "label")
            peer = _("Class") if a.peers == "class" else _("Industry")
            gap_rows = [[g.customer_id, g.name, a.label(g.peer_group) if a.peers == "class" else g.peer_group,
                         g.category, g.peer_share, g.rank] for g in a.gaps]  # fmt: skip
            gap_headers = [_("Customer"), _("Name"), peer, _("Category"), _("Bought by peers"), _("Rank")]
            row = buf.table(row + 1, 0, gap_headers, gap_rows, ["text", "text", "text", "text", "ratio", "int"]) + 1
        row += 2
    buf.sheet.freeze_panes(0, 1)
    buf.flush()
