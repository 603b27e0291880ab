"""Cost-to-serve policies as validated data: the costs per visit, complaint and order, the discount rates,
the financing rate, the period and the review bound (shipped: ``policies/costs/cost-to-serve.yaml``).

>>> policy = load_cost_policy("cost-to-serve")
>>> policy.period, policy.costs.per_visit, policy.review.loss_periods
('quarter', 600.0, 2)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tierwise.errors import PolicyError
from tierwise.i18n import N_, Message

COST_FOLDER = ("analytics", "policies", "costs")
NO_COST_POLICY = N_("no shipped cost policy named %(name)s; shipped: %(names)s")
BAD_COST_POLICY = N_("cost policy %(source)s: %(problem)s")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitCosts(_Strict):
    """Money per unit of service."""

    per_visit: float = Field(0, ge=0)
    per_complaint: float = Field(0, ge=0)
    per_order: float = Field(0, ge=0)


class Discounts(_Strict):
    """The share of sales given back, by channel (``default`` for the others)."""

    default: float = Field(0, ge=0, le=1)
    by_channel: dict[str, float] = Field(default_factory=dict)


class Financing(_Strict):
    """What money tied up in receivables costs a year (0.06 = 6 %)."""

    annual_rate: float = Field(0, ge=0, le=1)


class Review(_Strict):
    """How many consecutive complete periods of loss put a customer on the review list."""

    loss_periods: int = Field(2, ge=1, le=24)


class CostPolicy(_Strict):
    """A cost-to-serve policy."""

    name: str
    version: int | str = 1
    period: Literal["month", "quarter", "year"] = "quarter"
    costs: UnitCosts = UnitCosts()
    discounts: Discounts = Discounts()
    financing: Financing = Financing()
    review: Review = Review()


def parse_cost_policy(text: str, source: str) -> CostPolicy:
    """A cost policy from YAML text; a :class:`PolicyError` naming the field that is wrong."""
    try:
        data = yaml.safe_load(text)
        return CostPolicy.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        problem = str(exc).splitlines()[0] if isinstance(exc, yaml.YAMLError) else _first(exc)
        raise PolicyError(Message(BAD_COST_POLICY, {"source": source, "problem": problem})) from None


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


def shipped_cost_policies() -> list[str]:
    """The names of the shipped cost policies."""
    folder = resources.files("tierwise").joinpath(*COST_FOLDER)
    return sorted(e.name.removesuffix(".yaml") for e in folder.iterdir() if e.name.endswith(".yaml"))


def load_cost_policy(name_or_path: str | Path) -> CostPolicy:
    """A shipped cost policy by name, or a YAML file (a :class:`~pathlib.Path`)."""
    if isinstance(name_or_path, Path):
        return parse_cost_policy(name_or_path.read_text(encoding="utf-8"), str(name_or_path))
    names = shipped_cost_policies()
    if name_or_path not in names:
        raise PolicyError(Message(NO_COST_POLICY, {"name": repr(name_or_path), "names": ", ".join(names)}))
    text = resources.files("tierwise").joinpath(*COST_FOLDER, f"{name_or_path}.yaml").read_text(encoding="utf-8")
    return parse_cost_policy(text, name_or_path)
