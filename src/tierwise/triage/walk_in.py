"""What the lobby manager knows about a walk-in customer, validated strictly, and the decision taken."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tierwise.errors import UsageError
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
        raise UsageError(f"a walk-in must be a JSON object of fields, not {type(data).__name__}")
    # JSON has lists, not tuples: accept a list for `enquiries` in strict mode
    if isinstance(data.get("enquiries"), list):
        data = {**data, "enquiries": tuple(data["enquiries"])}
    try:
        return WalkIn.model_validate(data)
    except ValidationError as exc:
        raise UsageError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """The walk-in validation errors as one message, one line per offending field."""
    lines = [f"invalid walk-in: {exc.error_count()} problem(s)"]
    for err in exc.errors():
        loc = err["loc"]
        where = f"field {loc[0]!r}" + (f" item {loc[1]}" if len(loc) > 1 else "")
        if err["type"] == "extra_forbidden":
            lines.append(f"  - unknown field {loc[0]!r} (fields: {', '.join(WALK_IN_FIELDS)})")
        else:
            given = err["input"]
            if isinstance(given, tuple):
                given = list(given)
            # enquiries are a tuple inside, but a JSON list to the user
            message = "Input should be a list" if err["type"] == "tuple_type" else err["msg"]
            lines.append(f"  - {where}: {message} (got {given!r})")
    return "\n".join(lines)


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
