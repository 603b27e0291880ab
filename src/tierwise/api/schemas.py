"""What the API sends and receives, as pydantic models (``XPublic`` for what leaves the server).

No ORM object leaves the services; routes turn service results into these.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tierwise.triage import Decision


class ProblemPublic(BaseModel):
    """An RFC 9457 problem-details body (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI naming the kind of problem: urn:tierwise:problem:… or about:blank")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class HealthPublic(BaseModel):
    """The server is up: its version."""

    status: str = "ok"
    version: str


class TriageDecisionPublic(BaseModel):
    """How to route one walk-in: the flow, its label, the reasons and the next step, in the language asked."""

    flow: str = Field(description="vip, potential_vip, assess or ordinary")
    label: str
    reasons: list[str]
    next_step_code: str
    next_step: str
    policy: str
    policy_version: int

    @classmethod
    def of(cls, decision: Decision) -> TriageDecisionPublic:
        """The public form of a triage decision."""
        return cls(**decision.to_dict())


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the problem statuses a route may answer with (422 always: FastAPI's
    own request validation answers with it)."""
    schema = {"schema": ProblemPublic.model_json_schema()}
    return {
        status: {"description": HTTPStatus(status).phrase, "content": {"application/problem+json": schema}}
        for status in sorted({*statuses, 422})
    }
