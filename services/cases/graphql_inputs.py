"""The input objects of the cases plugin's mutations that take more than two values."""

from __future__ import annotations

import strawberry

from services.cases.graphql_types import CaseSatisfaction


@strawberry.input(description="The arguments of mergeCase.")
class MergeCaseInput:
    id: strawberry.ID
    original_id: strawberry.ID
    comment: str = ""


@strawberry.input(description="The arguments of dispatchCase.")
class DispatchCaseInput:
    id: strawberry.ID
    unit: str = ""
    co_units: list[str] | None = None
    comment: str = ""


@strawberry.input(description="The arguments of handleCase.")
class HandleCaseInput:
    id: strawberry.ID
    resolution: str
    evidence: list[str] | None = None


@strawberry.input(description="The arguments of verifyCase.")
class VerifyCaseInput:
    id: strawberry.ID
    passed: bool
    comment: str = ""
    evidence: list[str] | None = None


@strawberry.input(description="The arguments of callbackCase.")
class CallbackCaseInput:
    id: strawberry.ID
    satisfaction: CaseSatisfaction  # type: ignore[valid-type]
    comment: str = ""


@strawberry.input(description="The arguments of requestCaseExtension.")
class RequestCaseExtensionInput:
    id: strawberry.ID
    amount: int
    reason: str


@strawberry.input(description="The arguments of decideCaseExtension.")
class DecideCaseExtensionInput:
    id: strawberry.ID
    approve: bool
    comment: str = ""


@strawberry.input(description="The arguments of decideCaseHold.")
class DecideCaseHoldInput:
    id: strawberry.ID
    approve: bool
    comment: str = ""


@strawberry.input(description="The arguments of rateCaseHandling.")
class RateCaseHandlingInput:
    id: strawberry.ID
    score: int
    comment: str = ""


@strawberry.input(description="The arguments of setCaseDispatchRule.")
class SetCaseDispatchRuleInput:
    category_code: str
    jurisdiction_prefix: str
    unit: str
