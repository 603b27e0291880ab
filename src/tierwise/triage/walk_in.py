"""What the lobby manager knows about a walk-in customer, validated strictly, and the decision taken."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.triage.policy import Business, Enquiry, Flow

MAX_AMOUNT = 1e12  # no walk-in brings a trillion; anything larger is a typing slip
NonNegative = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]


class WalkIn(BaseModel):
    """One walk-in customer. Every field is optional; unknown fields and wrong types are refused.

    >>> WalkIn(business="deposit", amount=5000).amount
    5000.0
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    vip_card: bool = False
    asks_priority: bool = False
    asks_account_manager: bool = False
    enquiries: tuple[Enquiry, ...] = ()
    business: Business | None = None
    amount: NonNegative | None = None
    local_average_bill: NonNegative | None = None


WALK_IN_FIELDS: tuple[str, ...] = tuple(WalkIn.model_fields)


def parse_walk_in(data: dict[str, Any] | WalkIn) -> WalkIn:
    """Validate a walk-in given as a dict (e.g. parsed JSON); errors name the field, value and reason.

    Raises :class:`~tierwise.errors.UsageError` listing every problem.
    """
    if isinstance(data, WalkIn):
        return data
    if not isinstance(data, dict):
        raise UsageError(
            Message("a walk-in must be a JSON object of fields, not %(name)s", {"name": type(data).__name__})
        )
    # JSON has lists, not tuples: accept a list for `enquiries` in strict mode
    if isinstance(data.get("enquiries"), list):
        data = {**data, "enquiries": tuple(data["enquiries"])}
    try:
        return WalkIn.model_validate(data)
    except ValidationError as exc:
        raise invalid_walk_in(exc) from None


def invalid_walk_in(exc: ValidationError) -> UsageError:
    """The walk-in validation errors as one usage error, one line per offending field."""
    lines: list[Message] = []
    for err in exc.errors():
        loc = err["loc"]
        if err["type"] == "extra_forbidden":
            lines.append(
                Message(
                    "unknown field %(field)s (fields: %(fields)s)",
                    {"field": repr(loc[0]), "fields": ", ".join(WALK_IN_FIELDS)},
                )
            )
            continue
        where = (
            Message("field %(field)s item %(item)s", {"field": repr(loc[0]), "item": loc[1]})
            if len(loc) > 1
            else Message("field %(field)s", {"field": repr(loc[0])})
        )
        given = list(err["input"]) if isinstance(err["input"], tuple) else err["input"]
        # enquiries are a tuple inside, but a JSON list to the user; pydantic's own message is English
        problem = "Input should be a list" if err["type"] == "tuple_type" else err["msg"]
        lines.append(
            Message(
                "%(where)s: %(problem)s (got %(value)s)", {"where": where, "problem": problem, "value": repr(given)}
            )
        )
    return UsageError(Message("invalid walk-in: %(count)s problem(s)", {"count": exc.error_count()}), lines)


@dataclass(frozen=True)
class Decision:
    """Where to route a walk-in, why, and what to do next, in the language asked for."""

    flow: Flow
    label: str
    reasons: tuple[str, ...]
    next_step_code: str
    next_step: str
    policy: str
    policy_version: int

    def to_dict(self) -> dict[str, Any]:
        """The decision as a JSON-ready dict (reasons as a list)."""
        out = asdict(self)
        out["reasons"] = list(self.reasons)
        return out
