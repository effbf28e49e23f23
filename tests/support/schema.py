"""Responses checked against the OpenAPI schema the API declares (what /docs shows)."""

from __future__ import annotations

from typing import Any

import pytest


def validate(client: Any, model: str, body: dict) -> None:
    """``body`` against the declared schema of ``model``; skips without jsonschema_rs."""
    jsonschema_rs = pytest.importorskip("jsonschema_rs", reason="jsonschema_rs not installed (pip install -e .[test])")
    components = client.get("/openapi.json").json()["components"]
    jsonschema_rs.validate({"$ref": f"#/components/schemas/{model}", "components": components}, body)
