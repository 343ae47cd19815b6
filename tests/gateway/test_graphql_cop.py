"""graphql-cop's thirteen checks against a production-mode gateway, each as it sends it, over real HTTP."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from services.kit.config import Mode
from tests.gateway.harness import gateway_settings, running_gateway, token


async def test_a_production_gateway_passes_every_graphql_cop_check(tmp_path: Path) -> None:
    settings = dataclasses.replace(gateway_settings(tmp_path), mode=Mode.PRODUCTION)
    bearer = {"Authorization": f"Bearer {token(settings)}"}
    async with running_gateway(settings) as gateway:
        url = f"{gateway.url}/graphql"

        async def post(query: str) -> tuple[int, dict[str, object]]:
            response = await gateway.client.post(url, json={"query": query, "operationName": "cop"}, headers=bearer)
            return response.status_code, response.json()

        aliases = "query cop { " + " ".join(f"alias{i}:__typename" for i in range(101)) + " }"
        status, body = await post(aliases)  # alias overloading
        assert body["data"] is None and "aliases" in str(body["errors"])
        batch = await gateway.client.post(url, json=[{"query": "query cop { __typename }"}] * 10, headers=bearer)
        assert batch.status_code == 400  # array-based batching
        status, body = await post("query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }")
        assert status == 400 and len(body["errors"]) == 1  # directive overloading: one refusal, not ten errors
        status, body = await post("query cop { " + "__typename \n" * 500 + "} ")
        assert status == 400 and "selected 500 times" in str(body["errors"])  # field duplication
        status, body = await post("query cop { __schema { directive } }")
        assert "Did you mean" not in str(body["errors"])  # field suggestions
        for query in ("query cop {__typename}", "mutation cop {__typename}"):  # GET queries and mutations (CSRF)
            get = await gateway.client.get(url, params={"query": query}, headers=bearer)
            assert get.status_code == 405 and "__typename" not in get.text
        ide = await gateway.client.get(url, headers={**bearer, "Accept": "text/html"})
        assert ide.status_code == 405 and "graphiql" not in ide.text.lower()  # GraphQL IDE
        status, body = await post("query cop { __schema { types { name fields { name } } } }")
        assert body["data"] is None and "introspection" in str(body["errors"]).lower()  # introspection
        circular = ("query cop { __schema { types { fields { type { fields { type { fields { type { fields "
                    "{ type { name } } } } } } } } } } }")
        status, body = await post(circular)
        assert body["data"] is None  # introspection-based circular query
        form = await gateway.client.post(url, data={"query": "query cop { __typename }"}, headers=bearer)
        assert form.status_code == 400  # url-encoded POST (CSRF)
        status, body = await post("query cop { __typename }")
        assert status == 200 and body == {"data": {"__typename": "Query"}}  # trace mode: no extensions
        status, body = await post("qwerty cop { abc }")
        assert "extensions" not in body["errors"][0] or "exception" not in str(body["errors"][0]["extensions"])
        assert "Traceback" not in str(body)  # unhandled errors
