"""Tiny in-test plugins and GraphQL contributions for schema composition tests."""

from __future__ import annotations

from pathlib import Path

import strawberry

from services.kit.plugin import GraphQLContribution, Plugin


@strawberry.type
class AlphaQuery:
    @strawberry.field
    def alpha_things(self) -> list[str]:
        return ["a"]


@strawberry.type
class BetaQuery:
    @strawberry.field
    def alpha_things(self) -> list[str]:
        return ["b"]


@strawberry.type
class GammaQuery:
    @strawberry.field
    def gamma_count(self) -> int:
        return 3


@strawberry.type
class GammaMutation:
    @strawberry.mutation
    def bump_gamma(self) -> int:
        return 4


@strawberry.type
class ViewerClash:
    @strawberry.field
    def viewer(self) -> str:
        return "not yours"


def alpha() -> GraphQLContribution:
    return GraphQLContribution(query=AlphaQuery)


def beta() -> GraphQLContribution:
    return GraphQLContribution(query=BetaQuery)


def gamma() -> GraphQLContribution:
    return GraphQLContribution(query=GammaQuery, mutation=GammaMutation)


def viewer_clash() -> GraphQLContribution:
    return GraphQLContribution(query=ViewerClash)


def not_a_contribution() -> object:
    return {"query": AlphaQuery}


def plugin(name: str, graphql: str | None, policies: tuple[Path, ...] = ()) -> Plugin:
    """A Plugin with only what the gateway reads (name, stub, policies, graphql)."""
    return Plugin(name=name, register=lambda server, runtime: None, stub=lambda channel: None, service_names=(),
                  migrations=Path("."), metadata=None, policies=policies, graphql=graphql)
