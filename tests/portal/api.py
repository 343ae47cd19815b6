"""Setting the scene over the public API (as another portal would), so a browser test starts where it means to."""

from __future__ import annotations

from typing import Any

import httpx

from services.kit import demo


def demo_token(base_url: str, subject: str) -> str:
    answer = httpx.post(f"{base_url}/dev/sign-in", json={"subject": subject}, timeout=10)
    answer.raise_for_status()
    return str(answer.json()["token"])


def graphql(base_url: str, subject: str, query: str, **variables: Any) -> dict[str, Any]:
    answer = httpx.post(f"{base_url}/graphql", json={"query": query, "variables": variables}, timeout=30,
                        headers={"Authorization": f"Bearer {demo_token(base_url, subject)}"})
    body = answer.json()
    assert answer.status_code == 200 and not body.get("errors"), body
    return body["data"]  # type: ignore[no-any-return]


def report_case(base_url: str, description: str, category: str = "garbage_exposed") -> dict[str, Any]:
    """A case the grid worker reports in its grid: the community workstation handles garbage there."""
    data = graphql(base_url, "demo-grid-worker", """mutation($input: CaseReportInput!) {
      reportCase(input: $input) { id number state } }""", input={
        "categoryCode": category, "description": description, "jurisdictionCode": demo.GRID_CODE,
        "source": "GRID_WORKER", "address": "翠微路3号"})
    return data["reportCase"]  # type: ignore[no-any-return]


def cases_described(base_url: str, subject: str, text: str) -> list[dict[str, Any]]:
    data = graphql(base_url, subject, "query($text: String!) { cases(text: $text) { nodes { id state description } } }",
                   text=text)
    return data["cases"]["nodes"]  # type: ignore[no-any-return]
