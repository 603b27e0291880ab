"""The qualified-customer profile as validated data, and a prospect's score against it, vectorised.

Each criterion met adds its points: industry in the list; size (employees or annual revenue at a bound);
region in the list; needs (an opportunity with the objective need and a subjective need in the list);
budget (the largest opportunity's amount at the bound); look-alike (the look-alike score to today's approved
key accounts at the bound, computed by the caller). The grade is the first whose bound the score reaches;
``develop`` names the grades worth new-account-development time in the contact plan. The traits are one
row per prospect (a pandas frame); scoring is column arithmetic.

>>> profile = load_profile("qualified-customer")
>>> [g.code for g in profile.grades], profile.criteria.budget.at_least
(['A', 'B', 'C'], 500000.0)
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tierwise.errors import PolicyError
from tierwise.i18n import N_, Message

FOLDER = ("analytics", "policies", "prospects")
BAD_PROFILE = N_("qualified-customer profile %(source)s: %(problem)s")
NO_PROFILE = N_("no shipped qualified-customer profile named %(name)s")
#: what each criterion met says (filled from the prospect's own values)
MET = {
    "industry": N_("industry %(industry)s is one we serve"),
    "size": N_("size fits: %(employees)s employees, revenue %(revenue)s"),
    "region": N_("region %(region)s is covered"),
    "needs": N_("an opportunity with an objective need and a %(need)s subjective need"),
    "budget": N_("budget: an opportunity of %(amount)s"),
    "lookalike": N_("traits close to an approved key account's (look-alike %(lookalike)s)"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListCriterion(_Strict):
    any_of: list[str]
    points: float = Field(ge=0)


class SizeCriterion(_Strict):
    employees_at_least: int | None = None
    annual_revenue_at_least: float | None = None
    points: float = Field(ge=0)


class NeedsCriterion(_Strict):
    objective_need: str = "yes"
    subjective_need_any_of: list[str] = ["high", "mid"]
    points: float = Field(ge=0)


class BudgetCriterion(_Strict):
    at_least: float = Field(ge=0)
    points: float = Field(ge=0)


class LookalikeCriterion(_Strict):
    at_least: float = Field(ge=0, le=1)
    points: float = Field(ge=0)


class Criteria(_Strict):
    industry: ListCriterion | None = None
    size: SizeCriterion | None = None
    region: ListCriterion | None = None
    needs: NeedsCriterion | None = None
    budget: BudgetCriterion | None = None
    lookalike: LookalikeCriterion | None = None


class Grade(_Strict):
    code: str
    at_least: float


class Profile(_Strict):
    """A qualified-customer profile."""

    name: str
    version: int | str = 1
    criteria: Criteria
    grades: list[Grade] = Field(min_length=1)
    develop: list[str] = []  # the grades whose prospects get new-account-development time


def load_profile(name: str) -> Profile:
    """A shipped profile by name."""
    folder = resources.files("tierwise").joinpath(*FOLDER)
    path = folder.joinpath(f"{name}.yaml")
    if not path.is_file():
        raise PolicyError(Message(NO_PROFILE, {"name": repr(name)}))
    return parse_profile(path.read_text(encoding="utf-8"), name)


def parse_profile(text: str, source: str) -> Profile:
    """A profile from YAML text; a :class:`PolicyError` naming what is wrong."""
    try:
        return Profile.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise PolicyError(Message(BAD_PROFILE, {"source": source, "problem": str(exc).splitlines()[0]})) from None


def _lower(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str).str.strip().str.lower()


def score_prospects(traits: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """``traits`` (``customer_id, industry, region, employees, annual_revenue, needs_met, budget`` and, for
    the look-alike criterion, ``lookalike``: NaN without approved key accounts) with a ``met_<criterion>``
    column per criterion, ``score`` and ``grade``."""
    out = traits.copy()
    c = profile.criteria
    points = np.zeros(len(out))
    met: dict[str, pd.Series] = {}
    if c.industry:
        met["industry"] = _lower(out.industry).isin([v.lower() for v in c.industry.any_of])
    if c.size:
        big = pd.Series(False, index=out.index)
        if c.size.employees_at_least is not None:
            big |= out.employees.fillna(-1) >= c.size.employees_at_least
        if c.size.annual_revenue_at_least is not None:
            big |= out.annual_revenue.fillna(-1) >= c.size.annual_revenue_at_least
        met["size"] = big
    if c.region:
        met["region"] = _lower(out.region).isin([v.lower() for v in c.region.any_of])
    if c.needs:
        met["needs"] = out.needs_met.fillna(False).astype(bool)
    if c.budget:
        met["budget"] = out.budget.fillna(-1) >= c.budget.at_least
    if c.lookalike and "lookalike" in out:
        met["lookalike"] = out.lookalike.astype("float64").fillna(-1) >= c.lookalike.at_least
    for name, flags in met.items():
        out[f"met_{name}"] = flags.to_numpy()
        points = points + flags.to_numpy() * getattr(c, name).points
    out["score"] = points
    bounds = sorted(profile.grades, key=lambda g: -g.at_least)
    out["grade"] = np.select([points >= g.at_least for g in bounds], [g.code for g in bounds], default=None)
    return out
