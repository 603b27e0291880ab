"""Migrations between runs: the from × to matrix, the movers with both reasons, what-if, grace periods.

All functions take assignment tables (:mod:`.assign`) and return Ibis tables. A customer present in only
one of two runs moves from or to ``(new)`` / ``(gone)``.

Grace period: with ``grace_runs: N`` a downgrade takes effect only when the customer's computed class has
been below its class of the previous run in N consecutive runs (this one included); until then it keeps
the previous class, with a reason saying so. Upgrades take effect at once.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.assign import class_order, classify, label_of, rank_of
from tierwise.analytics.classify.policy import Policy
from tierwise.analytics.classify.reasons import engine_text
from tierwise.i18n import N_, Language, Message

NEW, GONE = "(new)", "(gone)"
GRACE = N_("grace period: computed %(computed)s, kept %(kept)s (%(n)s of %(total)s runs below)")


def _pair(before: ir.Table, after: ir.Table, sales: ir.Table | None = None) -> ir.Table:
    b = before.select(customer_id=before.customer_id, from_class=before["class"], from_reasons=before.reasons)
    a = after.select(customer_id_a=after.customer_id, to_class=after["class"], to_reasons=after.reasons)
    joined = b.outer_join(a, b.customer_id == a.customer_id_a)
    extra = {}
    if sales is not None:
        s = sales.select(sid=sales.customer_id, sales=sales.sales)
        joined = joined.left_join(s, joined.customer_id_a == s.sid)
        extra = {"sales": joined.sales}
    return joined.select(
        customer_id=ibis.coalesce(joined.customer_id, joined.customer_id_a),
        from_class=joined.from_class.fill_null(NEW),
        to_class=joined.to_class.fill_null(GONE),
        from_reasons=joined.from_reasons,
        to_reasons=joined.to_reasons,
        **extra,
    )


def migration_matrix(before: ir.Table, after: ir.Table, sales: ir.Table | None = None) -> ir.Table:
    """Counts (and sales, if ``sales`` has ``customer_id, sales``) per ``from_class × to_class``.

    Sales are those of the later run's indicator table, e.g. ``indicators.select("customer_id",
    sales="sales_12m")``; customers gone from the later run count 0.
    """
    pairs = _pair(before, after, sales)
    metrics = {"customers": pairs.count()}
    if sales is not None:
        metrics["sales"] = pairs.sales.sum().fill_null(0)
    return pairs.group_by("from_class", "to_class").aggregate(**metrics).order_by("from_class", "to_class")


def movers(before: ir.Table, after: ir.Table, policy: Policy, lang: Language = "en") -> ir.Table:
    """Customers whose class changed: ``customer_id, from_class, to_class, from_label, to_label, direction,
    from_reasons, to_reasons`` (``direction``: ``up``, ``down``, ``new`` or ``gone``), most moved first."""
    pairs = _pair(before, after)
    moved = pairs.filter(pairs.from_class != pairs.to_class)
    frm, to = class_order(policy, moved.from_class), class_order(policy, moved.to_class)
    direction = ibis.cases(
        (moved.from_class == NEW, "new"), (moved.to_class == GONE, "gone"), (to < frm, "up"), else_="down"
    )
    return (
        moved.select(
            "customer_id",
            "from_class",
            "to_class",
            from_label=label_of(policy, moved.from_class, lang),
            to_label=label_of(policy, moved.to_class, lang),
            direction=direction,
            from_reasons=moved.from_reasons,
            to_reasons=moved.to_reasons,
            _steps=ibis.ifelse((moved.from_class == NEW) | (moved.to_class == GONE), -1, (to - frm).abs()),
        )
        .order_by(ibis.desc("_steps"), "customer_id")
        .drop("_steps")
    )


def what_if(
    indicators: ir.Table, policy: Policy, edited: Policy, as_of: dt.date | str, lang: Language = "en"
) -> ir.Table:
    """The customers who would move if ``edited`` replaced ``policy`` (nothing is saved): see :func:`movers`.

    Class codes are compared as they are, so an edited policy should keep the codes it shares.
    """
    return movers(classify(indicators, policy, as_of, lang), classify(indicators, edited, as_of, lang), edited, lang)


def apply_grace(current: ir.Table, history: list[ir.Table], policy: Policy, lang: Language = "en") -> ir.Table:
    """Hold back downgrades until ``policy.grace_runs`` consecutive runs are below (see the module docstring).

    ``history`` holds the earlier assignment tables of the same policy, oldest first; a table may carry
    ``computed_class`` (what the rules gave before grace), else its ``class`` is taken as computed. The
    result is ``current`` with ``class``, ``label``, ``reasons`` (and ``rank``) adjusted and a
    ``computed_class`` column.
    """
    n = policy.grace_runs
    out = current.mutate(computed_class=current["class"])
    if n <= 1 or not history:
        return out
    previous = history[-1]
    prev = previous.select(pid=previous.customer_id, kept=previous["class"])
    joined = out.left_join(prev, out.customer_id == prev.pid).drop("pid")
    kept_rank = class_order(policy, joined.kept)
    below = [(class_order(policy, joined.computed_class) > kept_rank).fill_null(False)]
    earlier = list(reversed(history[-(n - 1) :]))  # newest first
    for i, run in enumerate(earlier):
        col = "computed_class" if "computed_class" in run.columns else "class"
        h = run.select(**{f"hid{i}": run.customer_id, f"h{i}": run[col]})
        joined = joined.left_join(h, joined.customer_id == h[f"hid{i}"]).drop(f"hid{i}")
        below.append((class_order(policy, joined[f"h{i}"]) > kept_rank).fill_null(False))
    streak = _consecutive(below)
    hold = joined.kept.notnull() & below[0] & (streak < n)
    note = engine_text(
        Message(GRACE, {"total": n}),
        lang,
        computed=label_of(policy, joined.computed_class, lang),
        kept=label_of(policy, joined.kept, lang),
        n=streak,
    )
    result = joined.mutate(
        **{"class": ibis.ifelse(hold, joined.kept, joined.computed_class)},
        reasons=ibis.ifelse(hold, joined.reasons.concat(ibis.array([note])), joined.reasons),
    )
    result = result.mutate(label=label_of(policy, result["class"], lang))
    if "rank" in current.columns and "score" in current.columns:
        result = result.mutate(rank=rank_of(result, policy))
    return result.select(*current.columns, "computed_class")


def _consecutive(tests: list[ir.BooleanValue]) -> ir.IntegerValue:
    """How many of ``tests`` (newest first) hold before the first that does not."""
    return ibis.cases(*[(ibis.and_(*tests[:k]), k) for k in range(len(tests), 0, -1)], else_=0)
