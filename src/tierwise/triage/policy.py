"""The triage policy: bounds, flows and next steps as validated data, loaded by name or from a YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from tierwise.errors import PolicyError
from tierwise.i18n import Message
from tierwise.policy_files import (
    TRIAGE_POLICY,
    PolicyRef,
    as_policy_ref,
    invalid_policy,
    policy_mapping,
    read_policy_text,
    shipped_policy_files,
)
from tierwise.policy_schema import StrictModel, Text

Enquiry = Literal["vip_service", "forex", "safe_deposit", "study_abroad", "deposit_certificate", "wealth_product"]
Business = Literal["deposit", "withdrawal", "remittance", "bill_payment", "early_repayment", "wealth_product", "other"]
Flow = Literal["vip", "potential_vip", "ordinary", "assess"]

ENQUIRIES: tuple[str, ...] = Enquiry.__args__
BUSINESSES: tuple[str, ...] = Business.__args__
FLOWS: tuple[str, ...] = Flow.__args__
NEXT_STEPS = (
    "vip_area",
    "wealth_manager",
    "confirm_at_counter",
    "self_service",
    "counter",
    "ask_amount",
    "ask_business",
    "check_bill",
)

Amount = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class SmallBelow(StrictModel):
    """Ordinary business served at self-service when the amount is below these bounds (exclusive)."""

    deposit: Amount
    withdrawal: Amount
    remittance: Amount


class PotentialVipAt(StrictModel):
    """A walk-in is a potential VIP when the business amount is at or over these bounds (inclusive)."""

    deposit: Amount
    withdrawal: Amount
    remittance: Amount
    other: Amount


class BillBounds(StrictModel):
    """Bill payments: ordinary when not above the local average; at or over ``very_large_at`` → assess."""

    local_average: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    very_large_at: Amount


class Bounds(StrictModel):
    """Every amount bound of the triage rules."""

    small_below: SmallBelow
    potential_vip_at: PotentialVipAt
    product_minimum: Amount
    large_early_repayment_at: Amount
    bill_payment: BillBounds

    @model_validator(mode="after")
    def _small_is_below_potential(self) -> Bounds:
        for business in ("deposit", "withdrawal", "remittance"):
            small = getattr(self.small_below, business)
            at = getattr(self.potential_vip_at, business)
            if small > at:
                raise ValueError(
                    Message(
                        "potential_vip_at.%(business)s (%(at)s) is below small_below.%(business)s (%(small)s): an "
                        "amount cannot be both small and a potential-VIP signal",
                        {"business": business, "at": format(at, ",g"), "small": format(small, ",g")},
                    )
                )
        bill = self.bill_payment
        if bill.local_average is not None and bill.local_average >= bill.very_large_at:
            raise ValueError(
                Message(
                    "bill_payment.local_average (%(local_average)s) must be below bill_payment.very_large_at "
                    "(%(very_large_at)s)",
                    {
                        "local_average": format(bill.local_average, ",g"),
                        "very_large_at": format(bill.very_large_at, ",g"),
                    },
                )
            )
        return self


class TriagePolicy(StrictModel):
    """A walk-in triage policy (``method: triage``), e.g. the shipped ``bank-lobby``."""

    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    method: Literal["triage"]
    description: Text
    bounds: Bounds
    potential_vip_enquiries: tuple[Enquiry, ...]
    flows: dict[Flow, Text]
    next_steps: dict[Literal[NEXT_STEPS], Text]  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _every_label_present(self) -> TriagePolicy:
        for field, wanted in (("flows", FLOWS), ("next_steps", NEXT_STEPS)):
            missing = [key for key in wanted if key not in getattr(self, field)]
            if missing:
                raise ValueError(
                    Message("%(field)s lacks %(missing)s", {"field": field, "missing": ", ".join(missing)})
                )
        return self


def shipped_triage_policies() -> list[str]:
    """Names of the shipped policies whose method is ``triage``, e.g. ``['bank-lobby']``."""
    names = []
    for name, text in shipped_policy_files().items():
        try:
            head = yaml.safe_load(text)
        except yaml.YAMLError:  # a broken classification policy is reported where it is loaded
            continue
        if isinstance(head, dict) and head.get("method") == "triage":
            names.append(name)
    return names


def load_triage_policy(ref: str | Path | PolicyRef) -> TriagePolicy:
    """Load a triage policy: a shipped name (``"bank-lobby"``; a ``str`` is never a path) or a YAML file.

    A bad policy raises :class:`~tierwise.errors.PolicyError` naming every offending field.

    >>> load_triage_policy("bank-lobby").bounds.small_below.deposit
    20000.0
    """
    text, source = read_policy_text(as_policy_ref(ref), TRIAGE_POLICY, shipped_triage_policies)
    data = policy_mapping(text, TRIAGE_POLICY, source)
    if data.get("method", "triage") != "triage":
        raise PolicyError(
            Message(
                "policy %(source)s has method %(method)s, not 'triage': it is a classification policy",
                {"source": source, "method": repr(data["method"])},
            )
        )
    try:
        return TriagePolicy.model_validate(data)
    except ValidationError as exc:
        raise invalid_policy(TRIAGE_POLICY, source, exc) from None
