"""The sections of a policy: class specs, bounds, and one model per classification method.

Validated data only (pydantic); :mod:`tierwise.analytics.classify.policy` assembles them into a policy.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from tierwise.i18n import Message
from tierwise.policy_schema import StrictModel, Text

UNCLASSIFIED = "unclassified"
Op = Literal[">=", ">", "<=", "<", "==", "!=", "in", "not_in", "missing", "present"]
WhenMissing = Literal["unclassified", "skip"]


class Cadence(StrictModel):
    """How often a class must be contacted: every ``every_days`` days, described in words."""

    every_days: int = Field(gt=0)
    text: Text


class ClassSpec(StrictModel):
    """One class of a policy: its code, labels, contact cadence and an optional note (e.g. selling mode)."""

    code: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    label: Text
    cadence: Cadence | None = None
    note: Text | None = None


class Bound(StrictModel):
    """A threshold granting ``class``: value ``at_least`` / ``above`` a bound (higher is better) or
    ``at_most`` / ``below`` it (lower is better). ``at_*`` bounds are inclusive, the others exclusive."""

    class_: str = Field(alias="class")
    at_least: float | None = None
    above: float | None = None
    at_most: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Bound:
        given = [k for k in BOUND_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(Message("give exactly one of at_least, above (higher is better), at_most or below"))
        return self

    @property
    def kind(self) -> str:
        """Which of ``at_least``, ``above``, ``at_most``, ``below`` this bound is."""
        return next(k for k in BOUND_KINDS if getattr(self, k) is not None)

    @property
    def value(self) -> float:
        """The bound's number."""
        return getattr(self, self.kind)

    @property
    def higher_is_better(self) -> bool:
        """Whether values reach the bound from above (``at_least``/``above``)."""
        return self.kind in ("at_least", "above")


BOUND_KINDS = ("at_least", "above", "at_most", "below")


def check_bound_order(bounds: list[Bound]) -> None:
    """Bounds must all point one way and be listed best first (highest first when higher is better)."""
    if len({b.higher_is_better for b in bounds}) > 1:
        raise ValueError(Message("mix of at_least/above and at_most/below bounds: use one direction"))
    values = [b.value for b in bounds]
    if values != sorted(values, reverse=bounds[0].higher_is_better):
        raise ValueError(
            Message(
                "bounds must be listed best first (highest first for at_least/above, lowest first for at_most/below)"
            )
        )


class Share(StrictModel):
    """A quantile bin: ``class`` for the next ``share`` of customers (best first)."""

    class_: str = Field(alias="class")
    share: float = Field(gt=0, le=1)


class _Criterion(StrictModel):
    name: str = Field(min_length=1)
    label: Text | None = None  # how reasons name the indicator, overriding the registry label
    when_missing: WhenMissing = "unclassified"


class ThresholdsCriterion(_Criterion):
    """Bounds on one indicator, best first; ``otherwise`` is granted below every bound (or nothing)."""

    method: Literal["thresholds"]
    indicator: str
    bounds: list[Bound] = Field(min_length=1)
    otherwise: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsCriterion:
        check_bound_order(self.bounds)
        return self


class QuantilesCriterion(_Criterion):
    """Equal-count bins of one indicator, best first (descending by value unless ``ascending``)."""

    method: Literal["quantiles"]
    indicator: str
    bins: list[Share] = Field(min_length=2)
    ascending: bool = False

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> QuantilesCriterion:
        if abs(sum(b.share for b in self.bins) - 1) > 1e-9:
            raise ValueError(Message("bin shares must add up to 1"))
        return self


class AbcCriterion(_Criterion):
    """ABC on cumulative share of ``indicator``: A while the share before the customer is below ``a``."""

    method: Literal["abc"]
    indicator: str
    a: float = Field(0.8, gt=0, lt=1)
    b: float = Field(0.95, gt=0, le=1)
    classes: tuple[str, str, str] = ("a", "b", "c")

    @model_validator(mode="after")
    def _a_below_b(self) -> AbcCriterion:
        if self.a >= self.b:
            raise ValueError(Message("a must be below b"))
        return self


class Segment(StrictModel):
    """An RFM segment: the class given when the R, F and M scores all fall in their ranges."""

    class_: str = Field(alias="class")
    r: tuple[int, int]
    f: tuple[int, int]
    m: tuple[int, int]


class RfmCriterion(_Criterion):
    """Recency, frequency and monetary scores 1–``bins`` (equal-count), mapped to named segments."""

    method: Literal["rfm"]
    recency: str = "recency_days"
    frequency: str = "orders"
    monetary: str = "sales_12m"
    bins: int = Field(5, ge=2, le=10)
    segments: list[Segment] = Field(min_length=1)
    otherwise: str


class Condition(StrictModel):
    """One boolean test on an indicator, e.g. ``{indicator: gross_margin, op: '>', value: 0.3}``."""

    indicator: str
    op: Op
    value: float | str | bool | list[str] | None = None

    @model_validator(mode="after")
    def _value_fits_op(self) -> Condition:
        if self.op in ("missing", "present"):
            if self.value is not None:
                raise ValueError(Message("op %(op)s takes no value", {"op": repr(self.op)}))
        elif self.op in ("in", "not_in"):
            if not isinstance(self.value, list):
                raise ValueError(Message("op %(op)s needs a list value", {"op": repr(self.op)}))
        elif self.value is None or isinstance(self.value, list):
            raise ValueError(Message("op %(op)s needs one value", {"op": repr(self.op)}))
        return self


class RulesCriterion(_Criterion):
    """Grants ``class`` when ``any`` or ``all`` of the conditions hold."""

    method: Literal["rules"]
    class_: str = Field(alias="class")
    match: Literal["any", "all"] = "all"
    conditions: list[Condition] = Field(min_length=1)
    when_missing: WhenMissing = "skip"


class MapEntry(StrictModel):
    """One value of a trait, its label and the class it grants."""

    value: str
    class_: str = Field(alias="class")
    label: Text | None = None


class MappingCriterion(_Criterion):
    """A trait mapped to a class (``org_level: national → diamond``); other values grant nothing."""

    method: Literal["mapping"]
    indicator: str
    map: list[MapEntry] = Field(min_length=1)
    when_missing: WhenMissing = "skip"


class Weighted(StrictModel):
    """One indicator of a scorecard or k-means, with its direction (``cost``: lower is better)."""

    indicator: str
    direction: Literal["benefit", "cost"] = "benefit"
    weight: float | None = Field(None, ge=0)


class ScorecardCriterion(_Criterion):
    """Weighted sum of min–max normalised indicators (or TOPSIS closeness), cut into tiers."""

    method: Literal["scorecard"]
    indicators: list[Weighted] = Field(min_length=2)
    weights: Literal["given", "ahp", "entropy"] = "given"
    pairwise: list[list[float]] | None = None
    topsis: bool = False
    tiers: list[Bound] | None = None
    quantiles: list[Share] | None = None
    otherwise: str | None = None

    @model_validator(mode="after")
    def _weights_and_tiers(self) -> ScorecardCriterion:
        n = len(self.indicators)
        if self.weights == "given" and any(w.weight is None for w in self.indicators):
            raise ValueError(Message("weights: given needs a weight on every indicator"))
        if self.weights == "ahp" and (
            self.pairwise is None or len(self.pairwise) != n or any(len(row) != n for row in self.pairwise)
        ):
            raise ValueError(
                Message("weights: ahp needs an %(n)s×%(n)s pairwise matrix (one row per indicator)", {"n": n})
            )
        if (self.tiers is None) == (self.quantiles is None):
            raise ValueError(Message("give exactly one of tiers (score bounds) or quantiles"))
        if self.tiers is not None:
            check_bound_order(self.tiers)
        return self


class KMeansCriterion(_Criterion):
    """k-means on standardised indicators; clusters ordered by centroid value map to ``classes`` best first."""

    method: Literal["kmeans"]
    indicators: list[Weighted] = Field(min_length=1)
    classes: list[str] = Field(min_length=2)
    seed: int = 0


Criterion = Annotated[
    ThresholdsCriterion
    | QuantilesCriterion
    | AbcCriterion
    | RfmCriterion
    | RulesCriterion
    | MappingCriterion
    | ScorecardCriterion
    | KMeansCriterion,
    Field(discriminator="method"),
]
METHODS = ("thresholds", "quantiles", "abc", "rfm", "rules", "mapping", "scorecard", "kmeans")
