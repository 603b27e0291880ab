"""An analyst's edit of a policy's thresholds: each bound a form field, checked as it is typed, and the
policy text the edit makes (for the preview and for saving as a new version).

Each field is checked on its own first (a number; best-first order with its neighbours), so the message
can stand beside the field; then the whole edited policy is validated as saving would. Messages are
catalogue messages, translated by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from tierwise.analytics.classify.policy import Policy, ThresholdsCriterion
from tierwise.analytics.classify.reasons import indicator_label
from tierwise.analytics.registry import INDICATORS
from tierwise.errors import TierwiseError, UsageError
from tierwise.i18n import N_, Formats, Language, Message
from tierwise.services.access import require_action
from tierwise.services.context import ServiceContext
from tierwise.services.policy_versions import check_policy, policy_in_force, saved_versions

NOT_A_NUMBER = N_("enter a number, such as 500000")
ABOVE_BETTER = N_("must not be above the %(class)s bound (%(bound)s)")
BELOW_WORSE = N_("must not be below the %(class)s bound (%(bound)s)")
NO_VERSION = N_("give the new version a name, such as %(version)s")
VERSION_USED = N_("version %(version)s is already saved: choose a new one, such as %(suggested)s")
NO_DESCRIPTION = N_("describe the policy in both languages")
NO_THRESHOLDS = N_("policy %(name)s has no thresholds to edit here; copy its text (YAML) to change it")
SYMBOLS = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<"}


@dataclass(frozen=True)
class BoundField:
    """One bound of a thresholds criterion as a form field: ``name`` is the field's name in the form."""

    name: str
    criterion: int
    index: int
    indicator: str
    indicator_label: str
    unit: str
    class_: str
    class_label: str
    kind: str
    value: float

    @property
    def symbol(self) -> str:
        """``≥``, ``>``, ``≤`` or ``<``."""
        return SYMBOLS[self.kind]


@dataclass(frozen=True)
class ThresholdForm:
    """The edit form of a policy in force: its bounds, its description and the version to save as."""

    name: str
    policy: Policy
    text: str
    fields: list[BoundField]
    suggested_version: str
    taken_versions: frozenset[str]


@dataclass
class EditCheck:
    """What checking the form found: a message per field name, the problems of the whole policy, and the
    edited text when every field is fine (``policy`` when the whole of it is valid too)."""

    errors: dict[str, Message] = field(default_factory=dict)
    problems: list[Message | str] = field(default_factory=list)
    text: str | None = None
    policy: Policy | None = None
    changed: list[BoundField] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the edit may be previewed and saved."""
        return self.policy is not None


def next_version(version: int | str) -> str:
    """The version after ``version``: its last number raised by one.

    >>> next_version(1), next_version("2025.3"), next_version("beta")
    ('2', '2025.4', 'beta.2')
    """
    text = str(version)
    found = re.search(r"(\d+)$", text)
    if found is None:
        return f"{text}.2"
    return text[: found.start()] + str(int(found.group(1)) + 1)


def bound_fields(policy: Policy, lang: Language) -> list[BoundField]:
    """Every bound of the policy's thresholds criteria, in policy order, labelled in ``lang``."""
    out = []
    for i, crit in enumerate(policy.criteria):
        if not isinstance(crit, ThresholdsCriterion):
            continue
        known = INDICATORS.get(crit.indicator)
        unit = known.unit if known else "number"
        label = crit.label[lang] if crit.label else indicator_label(crit.indicator, lang)
        for j, bound in enumerate(crit.bounds):
            spec = policy.class_spec(bound.class_)
            out.append(
                BoundField(f"bound-{i}-{j}", i, j, crit.indicator, label, unit, bound.class_, spec.label[lang],
                           bound.kind, bound.value)
            )  # fmt: skip
    return out


def threshold_form(ctx: ServiceContext, name: str, lang: Language) -> ThresholdForm:
    """The form to edit policy ``name`` in force (the analyst's work: ``policies.write``)."""
    require_action(ctx, "policies.write")
    text, policy = policy_in_force(ctx, name)
    fields = bound_fields(policy, lang)
    if not fields:
        raise UsageError(Message(NO_THRESHOLDS, {"name": repr(name)}))
    taken = {v.version for v in saved_versions(ctx, name)} | {str(policy.version)}
    suggested = next_version(policy.version)
    while suggested in taken:
        suggested = next_version(suggested)
    return ThresholdForm(name, policy, text, fields, suggested, frozenset(taken))


def parse_number(text: str) -> float | None:
    """A number as people type it (``500,000``, ``500 000``, ``5e5``); ``None`` when it is none.

    >>> parse_number("1,250,000"), parse_number(" 0.3 "), parse_number("abc")
    (1250000.0, 0.3, None)
    """
    cleaned = re.sub(r"[\s,_，]", "", text or "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def check_edit(ctx: ServiceContext, form: ThresholdForm, values: Mapping[str, str], lang: Language) -> EditCheck:
    """Check the submitted ``values`` (field name → text) of ``form``: each field, then the whole policy."""
    found = EditCheck()
    numbers = found.numbers
    for f in form.fields:
        number = parse_number(values.get(f.name, ""))
        if number is None:
            found.errors[f.name] = Message(NOT_A_NUMBER)
        else:
            numbers[f.name] = number
    fmt = Formats(lang)
    for f in form.fields:
        if f.name not in numbers or numbers[f.name] == f.value:
            continue  # an unchanged bound is not where the fault is
        higher = f.kind in ("at_least", "above")
        for other, better in ((_neighbour(form, f, -1), True), (_neighbour(form, f, 1), False)):
            if other is None or other.name not in numbers or f.name in found.errors:
                continue
            mine, theirs = numbers[f.name], numbers[other.name]
            wrong = mine > theirs if better == higher else mine < theirs
            if wrong:
                template = ABOVE_BETTER if mine > theirs else BELOW_WORSE
                found.errors[f.name] = Message(template, {"class": other.class_label, "bound": fmt.bound(theirs)})
    version = (values.get("version") or "").strip()
    if not version:
        found.errors["version"] = Message(NO_VERSION, {"version": form.suggested_version})
    elif version in form.taken_versions:
        found.errors["version"] = Message(VERSION_USED, {"version": version, "suggested": form.suggested_version})
    descriptions = {lang_: (values.get(f"description-{lang_}") or "").strip() for lang_ in ("en", "zh")}
    if not all(descriptions.values()):
        found.errors["description"] = Message(NO_DESCRIPTION)
    if found.errors:
        return found
    found.changed = [f for f in form.fields if numbers[f.name] != f.value]
    for key, written in descriptions.items():
        if written == form.policy.description[key]:  # left as it was: the bounds it quotes follow the edit
            descriptions[key] = follow_bounds(written, found.changed, numbers)
    found.text = edited_text(form, numbers, version, descriptions)
    try:
        found.policy = check_policy(ctx, found.text, source=f"{form.name} v{version}")
    except TierwiseError as exc:
        found.problems = [exc.text, *exc.details]
    return found


def follow_bounds(description: str, changed: list[BoundField], numbers: Mapping[str, float]) -> str:
    """``description`` with each changed bound it quotes (``≥ 500,000``) replaced by the new one, in one pass."""
    quoted = Formats("en").bound  # the shipped descriptions write bounds with thousands commas in both languages
    new = {f"{f.symbol} {quoted(f.value)}": f"{f.symbol} {quoted(numbers[f.name])}" for f in changed}
    if not new:
        return description
    pattern = re.compile("|".join(re.escape(old) + r"(?!\d|[.,]\d)" for old in new))
    return pattern.sub(lambda m: new[m.group(0)], description)


def _neighbour(form: ThresholdForm, f: BoundField, step: int) -> BoundField | None:
    """The bound before (``-1``, a better class) or after (``1``) ``f`` in its criterion."""
    return next((o for o in form.fields if o.criterion == f.criterion and o.index == f.index + step), None)


def edited_text(
    form: ThresholdForm, numbers: Mapping[str, float], version: str, descriptions: Mapping[str, str]
) -> str:
    """The policy text in force with the bounds, the version and the description replaced."""
    data = yaml.safe_load(form.text)
    data["version"] = int(version) if version.isdigit() else version
    data["description"] = dict(descriptions)
    for f in form.fields:
        value = numbers[f.name]
        data["criteria"][f.criterion]["bounds"][f.index][f.kind] = int(value) if value.is_integer() else value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
