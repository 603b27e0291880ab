"""The triage policy: bounds, flows and next steps as validated data, loaded by name or from a YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tierwise.errors import PolicyError
from tierwise.policy_files import PolicyRef, as_policy_ref, policy_mapping, read_policy_text, shipped_policy_files

Enquiry = Literal["vip_service", "forex", "safe_deposit", "study_abroad", "deposit_certificate", "wealth_product"]
Business = Literal["deposit", "withdrawal", "remittance", "bill_payment", "early_repayment", "wealth_product", "other"]
Flow = Literal["vip", "potential_vip", "ordinary", "assess"]
Lang = Literal["en", "zh"]

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_lang(self, lang: Lang) -> str:
        """The text in ``lang`` ('en' or 'zh')."""
        return self.zh if lang == "zh" else self.en


class SmallBelow(_Strict):
    """Ordinary business served at self-service when the amount is below these bounds (exclusive)."""

    deposit: Amount
    withdrawal: Amount
    remittance: Amount


class PotentialVipAt(_Strict):
    """A walk-in is a potential VIP when the business amount is at or over these bounds (inclusive)."""

    deposit: Amount
    withdrawal: Amount
    remittance: Amount
    other: Amount


class BillBounds(_Strict):
    """Bill payments: ordinary when not above the local average; at or over ``very_large_at`` → assess."""

    local_average: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    very_large_at: Amount


class Bounds(_Strict):
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
                    f"potential_vip_at.{business} ({at:,g}) is below small_below.{business} ({small:,g}): "
                    "an amount cannot be both small and a potential-VIP signal"
                )
        bill = self.bill_payment
        if bill.local_average is not None and bill.local_average >= bill.very_large_at:
            raise ValueError(
                f"bill_payment.local_average ({bill.local_average:,g}) must be below "
                f"bill_payment.very_large_at ({bill.very_large_at:,g})"
            )
        return self


class TriagePolicy(_Strict):
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
                raise ValueError(f"{field} lacks {', '.join(missing)}")
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
    text, source = read_policy_text(as_policy_ref(ref), "triage policy", shipped_triage_policies)
    data = policy_mapping(text, "triage policy", source)
    if data.get("method", "triage") != "triage":
        raise PolicyError(f"policy {source} has method {data['method']!r}, not 'triage': it is a classification policy")
    try:
        return TriagePolicy.model_validate(data)
    except ValidationError as exc:
        lines = [f"triage policy {source} is invalid:"]
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"]) or "(top level)"
            lines.append(f"  - {where}: {_message(err)}")
        raise PolicyError("\n".join(lines)) from None


def _message(err: dict) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])
    return f"{err['msg']} (got {err['input']!r})"
