"""Tiny in-test plugins and GraphQL contributions for schema composition tests."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.types import Info

from services.kit.plugin import GraphQLContribution, Plugin, TypeExtension


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


@strawberry.type
class Book:
    title: str


@strawberry.type
class ShelfQuery:
    @strawberry.field
    def books(self) -> list[Book]:
        return [Book(title="Tea"), Book(title="Rice")]


@strawberry.type
class BookReviews:
    """What the review plugin adds to the shelf plugin's Book."""

    @strawberry.field
    def stars(self) -> int:
        return len(self.title)  # type: ignore[attr-defined]

    @strawberry.field
    async def loud_title(self, info: Info, times: int = 1) -> str:
        if times < 1:
            raise ValueError("times must be at least 1")
        return self.title.upper() * times  # type: ignore[attr-defined,no-any-return]


@strawberry.type
class BookTitleClash:
    @strawberry.field
    def title(self) -> str:
        return "mine"


@strawberry.type
class NoSuchTypeFields:
    @strawberry.field
    def anything(self) -> str:
        return ""


def alpha() -> GraphQLContribution:
    return GraphQLContribution(query=AlphaQuery)


def beta() -> GraphQLContribution:
    return GraphQLContribution(query=BetaQuery)


def gamma() -> GraphQLContribution:
    return GraphQLContribution(query=GammaQuery, mutation=GammaMutation)


def viewer_clash() -> GraphQLContribution:
    return GraphQLContribution(query=ViewerClash)


def shelf() -> GraphQLContribution:
    return GraphQLContribution(query=ShelfQuery)


def review() -> GraphQLContribution:
    return GraphQLContribution(extensions=(TypeExtension("shelf", "Book", BookReviews),))


def title_clash() -> GraphQLContribution:
    return GraphQLContribution(extensions=(TypeExtension("shelf", "Book", BookTitleClash),))


def no_such_type() -> GraphQLContribution:
    return GraphQLContribution(extensions=(TypeExtension("shelf", "Magazine", NoSuchTypeFields),))


def not_a_contribution() -> object:
    return {"query": AlphaQuery}


def plugin(name: str, graphql: str | None, policies: tuple[Path, ...] = ()) -> Plugin:
    """A Plugin with only what the gateway reads (name, stub, policies, graphql)."""
    return Plugin(name=name, register=lambda server, runtime: None, stub=lambda channel: None, service_names=(),
                  migrations=Path("."), metadata=None, policies=policies, graphql=graphql)
