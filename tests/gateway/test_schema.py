"""Schema composition: the enabled plugins' fields join the root types, or start-up stops saying why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.schema import SchemaCompositionError, compose
from services.kit.plugin import PluginError
from tests.gateway.plugins import plugin

M = "tests.gateway.plugins"


def root_fields(schema, root: str) -> set[str]:  # type: ignore[no-untyped-def]
    graphql_type = schema._schema.get_type(root)
    return set(graphql_type.fields) if graphql_type else set()


def test_no_plugin_is_a_valid_schema() -> None:
    schema = compose({})
    assert {"viewer", "accessDecisions", "decisionLogVerification", "accessDecisionExport"} <= root_fields(schema,
                                                                                                      "Query")
    assert schema._schema.mutation_type is None


def test_plugins_fields_join_the_root_types() -> None:
    schema = compose({"alpha": plugin("alpha", f"{M}:alpha"), "gamma": plugin("gamma", f"{M}:gamma")})
    assert {"alphaThings", "gammaCount", "viewer"} <= root_fields(schema, "Query")
    assert root_fields(schema, "Mutation") == {"bumpGamma"}


def test_a_plugin_without_graphql_contributes_nothing() -> None:
    schema = compose({"quiet": plugin("quiet", None)})
    assert "alphaThings" not in root_fields(schema, "Query")


def test_the_same_field_in_two_plugins_stops_start_up_naming_both() -> None:
    with pytest.raises(SchemaCompositionError) as caught:
        compose({"alpha": plugin("alpha", f"{M}:alpha"), "beta": plugin("beta", f"{M}:beta")})
    message = str(caught.value)
    assert "Query.alphaThings" in message and "'alpha'" in message and "'beta'" in message


def test_a_plugin_cannot_take_a_gateway_field() -> None:
    expected = r"Query\.viewer is defined by both the gateway and plugin 'clash'"
    with pytest.raises(SchemaCompositionError, match=expected):
        compose({"clash": plugin("clash", f"{M}:viewer_clash")})


def test_a_plugin_failing_to_import_stops_start_up_naming_it() -> None:
    with pytest.raises(PluginError, match=r"plugin 'fire'.*schema module is broken"):
        compose({"fire": plugin("fire", "tests.gateway.broken_plugin:contribution")})


def test_a_plugin_returning_something_else_stops_start_up() -> None:
    with pytest.raises(PluginError, match="did not return a GraphQLContribution"):
        compose({"odd": plugin("odd", f"{M}:not_a_contribution")})


def test_the_gateway_process_refuses_to_start_with_an_unknown_plugin(tmp_path: Path) -> None:
    environ = {**os.environ, "GRIDGOV_DATA_DIR": str(tmp_path), "GRIDGOV_SERVICES": "registry,nosuchservice",
               "GRIDGOV_NOSUCHSERVICE_ADDRESS": "127.0.0.1:1"}
    finished = subprocess.run([sys.executable, "-m", "gateway"], env=environ, capture_output=True, text=True,
                              timeout=60, check=False)
    assert finished.returncode == 1
    assert "service 'nosuchservice' is enabled but no plugin of that name is installed" in finished.stderr


def test_plugin_root_fields_are_nullable_so_an_outage_fails_only_them() -> None:
    schema = compose({"gamma": plugin("gamma", f"{M}:gamma")})
    query, mutation = schema._schema.query_type, schema._schema.mutation_type
    assert str(query.fields["gammaCount"].type) == "Int"
    assert str(mutation.fields["bumpGamma"].type) == "Int"
    assert str(query.fields["viewer"].type) == "Viewer!"


def test_the_installed_plugins_compose_into_one_schema() -> None:
    from services.kit.plugin import load_plugins

    schema = compose(load_plugins())
    assert {"households", "viewer", "accessDecisions"} <= root_fields(schema, "Query")


async def test_only_unexpected_errors_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    import strawberry

    from gateway.errors import gateway_error
    from gateway.schema import GatewaySchema

    @strawberry.type
    class Query:
        @strawberry.field
        def denied(self) -> str:
            raise gateway_error("PERMISSION_DENIED", "no")

        @strawberry.field
        def broken(self) -> str:
            raise ZeroDivisionError("a bug")

    schema = GatewaySchema(Query)
    with caplog.at_level("ERROR", logger="strawberry.execution"):
        await schema.execute("{ denied }")
        await schema.execute("{ nosuchfield }")
        assert not caplog.records
        await schema.execute("{ broken }")
    assert len(caplog.records) == 1 and "a bug" in caplog.text


def test_a_plugin_adds_fields_to_another_plugins_type_when_both_are_enabled() -> None:
    schema = compose({"shelf": plugin("shelf", f"{M}:shelf"), "review": plugin("review", f"{M}:review")})
    result = schema.execute_sync("{ books { title stars } }")
    assert result.errors is None and result.data == {"books": [{"title": "Tea", "stars": 3},
                                                               {"title": "Rice", "stars": 4}]}
    printed = str(schema)
    assert "stars: Int" in printed and "loudTitle(times: Int! = 1): String" in printed
    assert "BookReviews" not in printed  # the carrier type is gone: only Book has the fields


async def test_an_added_field_that_fails_nulls_only_itself() -> None:
    schema = compose({"shelf": plugin("shelf", f"{M}:shelf"), "review": plugin("review", f"{M}:review")})
    result = await schema.execute("{ books { title loud: loudTitle(times: 2) quiet: loudTitle(times: 0) } }")
    assert result.data == {"books": [{"title": "Tea", "loud": "TEATEA", "quiet": None},
                                     {"title": "Rice", "loud": "RICERICE", "quiet": None}]}
    assert result.errors is not None and {e.path[-1] for e in result.errors} == {"quiet"}


def test_an_extension_of_a_plugin_that_is_not_enabled_is_dropped() -> None:
    schema = compose({"review": plugin("review", f"{M}:review")})
    printed = str(schema)
    assert "stars" not in printed and "BookReviews" not in printed


def test_an_extension_may_not_redefine_a_field_of_its_target() -> None:
    expected = r"Book\.title is defined by both plugin 'shelf' and plugin 'clash'"
    with pytest.raises(SchemaCompositionError, match=expected):
        compose({"shelf": plugin("shelf", f"{M}:shelf"), "clash": plugin("clash", f"{M}:title_clash")})


def test_an_extension_of_a_type_its_plugin_lacks_stops_start_up() -> None:
    with pytest.raises(SchemaCompositionError, match=r"plugin 'odd' extends 'Magazine' of plugin 'shelf'"):
        compose({"shelf": plugin("shelf", f"{M}:shelf"), "odd": plugin("odd", f"{M}:no_such_type")})
