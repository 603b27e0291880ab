"""Policies as validated data: pydantic models loaded from YAML, by shipped name or by file path.

A classification policy lists its classes best first (code, zh/en label, contact cadence) and one or
more criteria; each criterion names its method (``thresholds``, ``quantiles``, ``abc``, ``rfm``,
``rules``, ``mapping``, ``scorecard``, ``kmeans``). A customer's class is the highest class any
criterion grants. ``method: triage`` policies (walk-in routing) are recognised and listed, but they are
run by :mod:`tierwise.triage`, not classified here.

>>> policy = load_policy("china-post")
>>> [c.code for c in policy.classes]
['diamond', 'platinum', 'gold', 'vip', 'standard']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tierwise.analytics.classify.prospects import PROSPECT_INDICATORS
from tierwise.analytics.classify.sections import (  # noqa: F401  (re-exported: the policy vocabulary)
    METHODS,
    UNCLASSIFIED,
    AbcCriterion,
    Bound,
    Cadence,
    ClassSpec,
    Condition,
    Criterion,
    KMeansCriterion,
    MapEntry,
    MappingCriterion,
    QuantilesCriterion,
    RfmCriterion,
    RulesCriterion,
    ScorecardCriterion,
    Segment,
    Share,
    ThresholdsCriterion,
    Weighted,
)
from tierwise.analytics.registry import INDICATORS
from tierwise.errors import IndicatorError
from tierwise.i18n import Message
from tierwise.policy_files import (
    POLICY,
    PolicyRef,
    as_policy_ref,
    invalid_policy,
    policy_mapping,
    read_policy_text,
    shipped_policy_files,
)
from tierwise.policy_schema import StrictModel, Text


class Allocation(StrictModel):
    """A salesperson's monthly time for one grade: how many accounts and how many days."""

    group: str
    label: Text
    accounts: int = Field(ge=0)
    days_per_month: float = Field(ge=0)


class Policy(StrictModel):
    """A classification policy (see the module docstring)."""

    name: str = Field(min_length=1)
    version: int | str
    method: Literal["classify"] = "classify"
    description: Text
    input: Literal["indicators", "prospects"] = "indicators"
    classes: list[ClassSpec] = Field(min_length=2)
    criteria: list[Criterion] = Field(min_length=1)
    default_class: str | None = None
    score_from: str | None = None  # the criterion whose score is the customer's score (default: the first)
    score_indicator: str | None = None  # or an indicator as the score (e.g. sales_12m)
    grace_runs: int = Field(0, ge=0)
    time_allocation: list[Allocation] | None = None
    # the policy identifies key accounts: its best class is the key-account list (e.g. in the report)
    key_accounts: bool = False

    @model_validator(mode="after")
    def _references(self) -> Policy:
        codes = [c.code for c in self.classes]
        if len(set(codes)) != len(codes) or UNCLASSIFIED in codes:
            raise ValueError(
                Message("class codes must be unique and not %(unclassified)s", {"unclassified": repr(UNCLASSIFIED)})
            )
        for i, crit in enumerate(self.criteria):
            for where, code in _class_references(crit):
                if code not in codes:
                    raise ValueError(
                        Message(
                            "criteria.%(i)s.%(where)s: unknown class %(code)s; classes: %(codes)s",
                            {"i": i, "where": where, "code": repr(code), "codes": ", ".join(codes)},
                        )
                    )
        if self.default_class is not None and self.default_class not in codes:
            raise ValueError(
                Message("default_class: unknown class %(default_class)s", {"default_class": repr(self.default_class)})
            )
        names = [c.name for c in self.criteria]
        if len(set(names)) != len(names):
            raise ValueError(Message("criteria names must be unique"))
        if self.score_from is not None and self.score_from not in names:
            raise ValueError(
                Message("score_from: no criterion named %(score_from)s", {"score_from": repr(self.score_from)})
            )
        return self

    @property
    def class_codes(self) -> list[str]:
        """Class codes, best first."""
        return [c.code for c in self.classes]

    def class_spec(self, code: str) -> ClassSpec:
        """The class called ``code``."""
        return next(c for c in self.classes if c.code == code)

    def indicators(self) -> list[str]:
        """Every indicator the policy reads, in order of first use."""
        seen: dict[str, None] = {}
        if self.score_indicator:
            seen[self.score_indicator] = None
        for crit in self.criteria:
            for name in _indicator_references(crit):
                seen.setdefault(name, None)
        return list(seen)

    @property
    def summary_method(self) -> str:
        """The method for display: the criterion's method, or ``combine`` for several criteria."""
        return self.criteria[0].method if len(self.criteria) == 1 else "combine"


class TriagePolicyInfo(BaseModel):
    """A ``method: triage`` policy as far as listing goes; :mod:`tierwise.triage` validates the rest."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    version: int | str
    method: Literal["triage"]
    description: Text


def _class_references(crit: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for field in ("bounds", "bins", "segments", "map", "tiers", "quantiles"):
        items = getattr(crit, field, None)
        for j, item in enumerate(items if isinstance(items, list) else []):
            out.append((f"{field}.{j}.class", item.class_))
    for field in ("otherwise", "class_"):
        code = getattr(crit, field, None)
        if isinstance(code, str):
            out.append((field.rstrip("_"), code))
    for field in ("classes",):
        for j, code in enumerate(getattr(crit, field, None) or []):
            out.append((f"{field}.{j}", code))
    return out


def _indicator_references(crit: Any) -> list[str]:
    if isinstance(crit, RfmCriterion):
        return [crit.recency, crit.frequency, crit.monetary]
    if isinstance(crit, RulesCriterion):
        return [c.indicator for c in crit.conditions]
    if isinstance(crit, (ScorecardCriterion, KMeansCriterion)):
        return [w.indicator for w in crit.indicators]
    return [crit.indicator]


def known_indicators(policy: Policy) -> dict[str, Any]:
    """The indicators a policy may read: the registry, or the prospect columns for ``input: prospects``."""
    return PROSPECT_INDICATORS if policy.input == "prospects" else INDICATORS


def check_indicators(policy: Policy) -> None:
    """Raise :class:`IndicatorError` listing the known indicators if the policy reads an unknown one."""
    known = known_indicators(policy)
    for name in policy.indicators():
        if name not in known:
            raise IndicatorError(
                Message(
                    "policy %(policy)s reads unknown indicator %(name)s; known indicators: %(known)s",
                    {"policy": repr(policy.name), "name": repr(name), "known": ", ".join(known)},
                )
            )


# ----------------------------------------------------------------------------------------------- loading


def shipped_policies() -> list[str]:
    """Names of every policy shipped with the package (classification and triage), sorted."""
    return list(shipped_policy_files())


def policy_text(ref: str | Path | PolicyRef) -> tuple[str, str]:
    """The YAML text of a policy (a shipped name, a ``Path`` or a :class:`PolicyRef`) and its source's name."""
    return read_policy_text(as_policy_ref(ref), POLICY, shipped_policies)


def parse_policy(text: str, source: str = "<text>") -> Policy | TriagePolicyInfo:
    """Validate policy YAML text; errors name the source and every offending field."""
    data = policy_mapping(text, POLICY, source)
    model = TriagePolicyInfo if data.get("method") == "triage" else Policy
    try:
        policy = model.model_validate(data)
    except ValidationError as exc:
        raise invalid_policy(POLICY, source, exc, METHODS) from None
    if isinstance(policy, Policy):
        check_indicators(policy)
    return policy


def load_policy(ref: str | Path | PolicyRef) -> Policy | TriagePolicyInfo:
    """Load a policy: a shipped name (``"abc"``), a YAML file (a ``Path`` or ``PolicyRef.file``), or saved text.

    A ``str`` is always a shipped name, never a path.

    >>> load_policy("abc").criteria[0].a
    0.8
    """
    text, source = policy_text(ref)
    return parse_policy(text, source)
