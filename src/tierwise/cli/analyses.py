"""``tierwise analyses [--by class|owner]``: the analyses of the store's customers per class of a saved run
or per account manager — loyalty (repeat rate, first-purchase cohorts), the year's profit, future value,
product mix, cross-sell gaps and the response to promotion windows (``--promotion NAME:START:END``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import typer
from rich.table import Table

from tierwise.analyses_model import SegmentAnalyses
from tierwise.cli.application import LangOption, _, app, console, formats, service_context
from tierwise.cli.records import DbOption, JsonOption, ViewerOption, date_option, day, echo_json
from tierwise.services.store_access import on_store

GAPS_SHOWN = 20  # cross-sell gaps printed (--json gives them all)


@app.command("analyses")
def analyses_command(
    by: Annotated[Literal["class", "owner"], typer.Option("--by", help="Per class of a saved run, or per owner.")] = (
        "class"
    ),
    policy: Annotated[
        str | None, typer.Option("--policy", help="The saved run's policy (default: the latest).")
    ] = None,
    as_of: Annotated[dt.datetime | None, date_option("The as-of date, YYYY-MM-DD (default: the run's).")] = None,
    promotion: Annotated[
        list[str] | None, typer.Option("--promotion", help="A promotion window NAME:START:END (repeatable).")
    ] = None,
    db: DbOption = None,
    viewer: ViewerOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Analyses per class or owner: loyalty, cohorts, profit, value, product mix, cross-sell and promotions."""
    from tierwise.services.analyses import promotion_windows, segment_analyses

    windows = promotion_windows(promotion or [])
    with on_store(service_context(), db, actor=viewer) as ctx:
        found = segment_analyses(ctx, by=by, policy=policy, as_of=day(as_of), windows=windows)
    if as_json:
        echo_json(found)
        return
    show(found)


def show(found: SegmentAnalyses) -> None:
    """Print the analyses as tables."""
    fmt = formats()
    where = (found.policy or "–") if found.by == "class" else _("every account manager you see")
    console.print(_("Analyses per %(by)s (%(where)s) as of %(date)s", by=_(found.by), where=where,
                    date=fmt.date(found.as_of)), highlight=False)  # fmt: skip
    if not found.segments:
        console.print(_("No customer you see has bought anything."))
        return
    grid = Table(title=_("Figures per segment"), title_justify="left")
    for header in (_("Segment"), _("Customers"), _("Repeat rate"), _("Sales (12 months)"), _("Profit"), _("Margin"),
                   _("P(alive)"), _("CLV (12 months)")):  # fmt: skip
        grid.add_column(header, justify="left" if header == _("Segment") else "right")
    for s in found.segments:
        money = (fmt.money(s.sales, 0), fmt.money(s.profit, 0))
        grid.add_row(s.label, fmt.number(s.customers), fmt.percent(s.repeat_rate), *money, fmt.percent(s.margin),
                     fmt.percent(s.p_alive), fmt.money(s.clv_12m, 0))  # fmt: skip
    console.print(grid)
    cohorts = Table(title=_("Retention by first-purchase quarter (all segments)"), title_justify="left")
    for header in (_("Cohort"), _("Customers"), _("Retention")):
        cohorts.add_column(header)
    for row in (r for r in found.cohorts if r.segment is None):
        cohorts.add_row(
            fmt.date(row.cohort), fmt.number(row.customers), " ".join(fmt.percent(v, 0) for v in row.retention)
        )
    console.print(cohorts)
    mix = Table(title=_("Product mix"), title_justify="left")
    for header in (_("Segment"), _("Category"), _("Sales"), _("Share")):
        mix.add_column(header, justify="right" if header in (_("Sales"), _("Share")) else "left")
    for m in found.mix:
        mix.add_row(found.label(m.segment), m.category, fmt.money(m.sales, 0), fmt.percent(m.share))
    console.print(mix)
    if found.gaps:
        gaps = Table(title=_("Cross-sell gaps (first %(n)s)", n=min(GAPS_SHOWN, len(found.gaps))), title_justify="left")
        for header in (_("Customer"), _("Peers"), _("Category"), _("Bought by peers")):
            gaps.add_column(header)
        for g in found.gaps[:GAPS_SHOWN]:
            gaps.add_row(
                f"{g.name or g.customer_id} ({g.customer_id})", g.peer_group, g.category, fmt.percent(g.peer_share)
            )
        console.print(gaps)
    if found.promotions:
        promo = Table(title=_("Promotion response"), title_justify="left")
        for header in (_("Promotion"), _("Segment"), _("Customers"), _("Window sales"), _("Expected"), _("Uplift")):
            promo.add_column(header, justify="left" if header in (_("Promotion"), _("Segment")) else "right")
        for p in found.promotions:
            promo.add_row(f"{p.promotion} ({fmt.date(p.start)}–{fmt.date(p.end)})", found.label(p.segment),
                          fmt.number(p.customers), fmt.money(p.window_sales, 0), fmt.money(p.expected_sales, 0),
                          f"{fmt.money(p.uplift, 0)} ({fmt.percent(p.uplift_ratio)})")  # fmt: skip
        console.print(promo)
