"""The analyses of the viewer's customers on the store (分析), per class of a saved run or per owner:
loyalty (repeat rate, first-purchase cohorts), the year's profit, product mix and cross-sell gaps,
promotion response and future value (the value models).

A director sees every customer, a manager their teams', an account manager their own
(:mod:`tierwise.services.access`): the segments hold only the customers the viewer sees, so every figure
is over them. Cross-sell peers are every customer of the same class (per class) or industry (per owner):
what similar customers buy is a population figure, like the value models' fit; only the viewer's own
customers' gaps are listed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.analyses_model import SegmentAnalyses
from tierwise.analytics.engine import Engine
from tierwise.analytics.promotions import BASELINE_DAYS, PromotionWindow, promotion_window
from tierwise.errors import NotFoundError, UsageError
from tierwise.i18n import N_, Message, gettext_for
from tierwise.services.access import require_action, visible_clause
from tierwise.services.context import ServiceContext
from tierwise.services.saved_classes import SavedRun, latest_runs
from tierwise.services.segment_figures import category_mix, cohorts, gaps, promotion_response, segment_figures
from tierwise.services.sources import open_source
from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment

NO_RUN = N_("no saved run of policy %(policy)s")
BAD_BY = N_("analyses are per %(choices)s, not %(by)s")
NO_OWNER = N_("(no owner)")
NO_INDUSTRY = N_("(no industry)")
PAIR = pa.schema([("customer_id", pa.string()), ("segment", pa.string())])


def segment_analyses(
    ctx: ServiceContext,
    *,
    by: Literal["class", "owner"] = "class",
    policy: str | None = None,
    as_of: dt.date | None = None,
    windows: tuple[PromotionWindow, ...] = (),
    baseline_days: int = BASELINE_DAYS,
    lang: str | None = None,
) -> SegmentAnalyses:
    """The analyses of ``ctx``'s actor per class of ``policy``'s latest run (default: the policy saved most
    recently) or per owner, as of ``as_of`` (default: that run's date, else today)."""
    require_action(ctx, "customers.read")
    if by not in ("class", "owner"):
        raise UsageError(Message(BAD_BY, {"choices": "class, owner", "by": repr(by)}))
    lang = lang or ctx.settings.lang
    _ = gettext_for(lang)
    with ctx.store() as session:
        runs = latest_runs(session)
        if policy is None and runs:
            policy = max(runs, key=lambda name: (runs[name][0].as_of, runs[name][0].run_id))
        if policy is not None and policy not in runs:
            raise NotFoundError(Message(NO_RUN, {"policy": repr(policy)}))
        run = runs[policy][0] if policy else None
        day = as_of or (run.as_of if run else ctx.now().date())
        if by == "class" and run is not None:
            shown, peers = _class_segments(session, ctx, run)
            labels = {c.code: c.label[lang] for c in run.policy.classes}
        elif by == "class":
            shown, peers, labels = _pairs([]), _pairs([]), {}
        else:
            owned = select(Customer.customer_id, Customer.owner).where(visible_clause(ctx))
            shown = _pairs(session.execute(owned).all(), _(NO_OWNER))
            peers = _pairs(session.execute(select(Customer.customer_id, Customer.industry)).all(), _(NO_INDUSTRY))
            labels = {code: code for code in sorted(set(shown["segment"].to_pylist()))}
        names = _pairs(session.execute(select(Customer.customer_id, Customer.name).where(visible_clause(ctx))).all())
    values = None
    if shown.num_rows:
        from tierwise.services.customer_values import value_facts

        values = value_facts(ctx, day)
    dataset = open_source(ctx.settings.database_url).open(ctx.settings)
    try:
        eng = Engine.for_dataset(dataset, ctx.engine, ctx.settings)
        tables = eng.tables(dataset)
        empty = SegmentAnalyses(by, day, policy, run.run_id if run else None, (), (), (), (), (),
                                "class" if by == "class" else "industry", tuple(sorted(runs)))  # fmt: skip
        if "transactions" not in tables or not shown.num_rows:
            return empty
        t = tables["transactions"]
        segs = eng.scratch("segments", shown)
        peer_table = eng.scratch("peers", peers).rename(peer_group="segment")
        name_table = eng.scratch("names", names).rename(name="segment")
        return SegmentAnalyses(
            by,
            day,
            policy,
            run.run_id if run else None,
            segment_figures(eng, t, segs, day, labels, values),
            cohorts(eng, t, segs, day),
            category_mix(eng, t, segs, day),
            gaps(eng, t, peer_table, segs.select("customer_id"), day, name_table),
            promotion_response(eng, t, segs, windows, baseline_days),
            empty.peers,
            empty.policies,
        )
    finally:
        dataset.con.close()


def promotion_windows(texts: Sequence[str]) -> tuple[PromotionWindow, ...]:
    """Promotion windows written ``NAME:START:END`` (the command line's and the API's), each checked."""
    return tuple(promotion_window(text) for text in texts)


def _pairs(rows: Sequence[Any], missing: str | None = None) -> pa.Table:
    """Two columns of (customer id, value) rows as an Arrow table; a missing value becomes ``missing``."""
    ids = [r[0] for r in rows]
    values = [r[1] if r[1] is not None else missing for r in rows]
    return pa.table([pa.array(ids, pa.string()), pa.array(values, pa.string())], schema=PAIR)


def _class_segments(session: Session, ctx: ServiceContext, run: SavedRun) -> tuple[pa.Table, pa.Table]:
    """The viewer's customers with their class in ``run``, and every customer's class (the peers)."""
    query = select(Assignment.customer_id, Assignment.class_).where(Assignment.run_id == run.run_id)
    everyone = session.execute(query).all()
    seen = session.execute(
        query.join(Customer, Customer.customer_id == Assignment.customer_id).where(visible_clause(ctx))
    ).all()
    return _pairs(seen), _pairs(everyone)
