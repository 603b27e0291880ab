"""Use cases on policies: the shipped ones, one policy's text and model, its criteria in words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tierwise.analytics.classify.policy import Policy, TriagePolicyInfo, load_policy, policy_text, shipped_policies
from tierwise.analytics.classify.prospects import PROSPECT_INDICATORS
from tierwise.analytics.classify.reasons import format_constant, indicator_label
from tierwise.analytics.registry import INDICATORS
from tierwise.i18n import N_, Formats, Message, translate
from tierwise.policy_files import PolicyRef

__all__ = [
    "PolicyInfo",
    "TriagePolicyInfo",
    "PolicyRef",
    "describe_criterion",
    "list_policies",
    "read_policy",
    "read_policy_yaml",
    "shipped_policy_names",
]


@dataclass(frozen=True)
class PolicyInfo:
    """One shipped policy for a listing: name, version, method, class codes, description per language."""

    name: str
    version: int | str
    method: str
    classes: list[str]
    description: dict[str, str]


def shipped_policy_names() -> list[str]:
    """Names of every shipped policy (classification and triage), sorted."""
    return shipped_policies()


def list_policies() -> list[PolicyInfo]:
    """Every shipped policy, by name; triage policies have the method ``triage``."""
    out = []
    for name in shipped_policies():
        p = load_policy(PolicyRef.shipped(name))
        if isinstance(p, TriagePolicyInfo):
            out.append(
                PolicyInfo(p.name, p.version, "triage", ["vip", "potential_vip", "ordinary", "assess"], p.description)
            )
        else:
            out.append(PolicyInfo(p.name, p.version, p.summary_method, p.class_codes, p.description))
    return out


def read_policy(ref: PolicyRef | Path | str) -> Policy | TriagePolicyInfo:
    """The policy ``ref`` points at, validated."""
    return load_policy(ref)


def read_policy_yaml(ref: PolicyRef | Path | str) -> str:
    """The YAML text of the policy ``ref`` points at (to copy and edit)."""
    return policy_text(ref)[0]


SYMBOLS = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<"}


def describe_criterion(crit, policy: Policy, lang: str) -> str:
    """One line describing a criterion for people (``thresholds on 12-month spend: diamond ≥ 5,000,000; …``)."""
    label = lambda code: policy.class_spec(code).label[lang]  # noqa: E731
    f = Formats(lang)
    _ = lambda msgid, **params: translate(Message(msgid, params), lang)  # noqa: E731 - in the policy's language
    sep = _("; ")
    method = crit.method
    if method == "thresholds":
        name = indicator_label(crit.indicator, lang, crit.label)
        parts = sep.join(f"{label(b.class_)} {SYMBOLS[b.kind]} {format_constant(b.value)}" for b in crit.bounds)
        if crit.otherwise:
            return _(
                "thresholds on %(name)s: %(bounds)s; else %(otherwise)s",
                name=name,
                bounds=parts,
                otherwise=label(crit.otherwise),
            )
        return _("thresholds on %(name)s: %(bounds)s", name=name, bounds=parts)
    if method == "mapping":
        return (
            indicator_label(crit.indicator, lang)
            + _(": ")
            + sep.join(f"{e.label[lang] if e.label else e.value} → {label(e.class_)}" for e in crit.map)
        )
    if method == "rules":
        conds = sep.join(_condition(c, lang) for c in crit.conditions)
        if crit.match == "all":
            return _("%(class)s when all of: %(conditions)s", **{"class": label(crit.class_), "conditions": conds})
        return _("%(class)s when any of: %(conditions)s", **{"class": label(crit.class_), "conditions": conds})
    if method == "abc":
        return _(
            "ABC on %(name)s: A while the cumulative share before the customer < %(a)s, B < %(b)s, else C",
            name=indicator_label(crit.indicator, lang),
            a=f.percent(crit.a, 0),
            b=f.percent(crit.b, 0),
        )
    if method == "rfm":
        names = _(", ").join(indicator_label(n, lang) for n in (crit.recency, crit.frequency, crit.monetary))
        return _(
            "RFM quintile scores on %(names)s; %(segments)s segments, else %(otherwise)s",
            names=names,
            segments=len(crit.segments),
            otherwise=label(crit.otherwise),
        )
    if method == "quantiles":
        return _(
            "quantiles of %(name)s: %(bins)s",
            name=indicator_label(crit.indicator, lang),
            bins=sep.join(f"{label(b.class_)} {f.percent(b.share, 0)}" for b in crit.bins),
        )
    names = _(", ").join(indicator_label(w.indicator, lang) for w in crit.indicators)
    if method == "scorecard":
        if crit.topsis:
            return _("TOPSIS closeness of %(names)s, weights %(weights)s", names=names, weights=crit.weights)
        return _("weighted score of %(names)s, weights %(weights)s", names=names, weights=crit.weights)
    return _("k-means on %(names)s into %(classes)s", names=names, classes=_(", ").join(label(c) for c in crit.classes))


def _unit(name: str) -> str:
    found = INDICATORS.get(name) or PROSPECT_INDICATORS.get(name)
    return found.unit if found else "label"


OPS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠"}
#: the ops written as words
WORDED = {
    "in": N_("%(name)s in %(value)s"),
    "not_in": N_("%(name)s not in %(value)s"),
    "missing": N_("%(name)s missing"),
    "present": N_("%(name)s present"),
}


def _condition(cond, lang: str) -> str:
    name = indicator_label(cond.indicator, lang)
    if cond.value is None:
        return translate(Message(WORDED[cond.op], {"name": name}), lang)
    value = (
        ", ".join(cond.value)
        if isinstance(cond.value, list)
        else (
            str(cond.value).lower()
            if isinstance(cond.value, bool)
            else format_constant(cond.value, _unit(cond.indicator), lang)
        )
    )
    if cond.op in WORDED:
        return translate(Message(WORDED[cond.op], {"name": name, "value": value}), lang)
    return f"{name} {OPS.get(cond.op, cond.op)} {value}"
