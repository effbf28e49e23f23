"""Fuzzing against the OpenAPI schema with schemathesis, against a real server.

Checks: no 5xx; status codes, content types, headers and bodies as documented;
undocumented methods answered 405 with the right Allow header. (Run through
schemathesis' CLI: its pytest plugin does not support the pytest version used here.)
Not checked: "positive data acceptance" (a schema-valid upload that is not a video is
rightly refused) and "negative data rejection" (it counts any text in a binary file
part as schema-violating, and /jobs rightly accepts the upload and fails the job).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import server, wait_for

pytestmark = pytest.mark.slow

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
    "response_schema_conformance,unsupported_method"
)


def test_no_5xx_and_responses_match_the_schema(tmp_path):
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if cli is None:
        pytest.skip("schemathesis not installed (pip install -e .[test])")
    env = {"DANCE_DATA_DIR": str(tmp_path / "data"), "DANCE_WORKERS": "1", "DANCE_MAX_UPLOAD_MB": "2"}
    with server(env, tmp_path / "server.log") as api:
        run = subprocess.run(
            [cli, "run", f"{api.base_url}/openapi.json", "--checks", CHECKS, "--max-examples", "40",
             "--seed", "20261122", "--no-color"],
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert api.get("/health").json()["status"] == "ok"

        def all_jobs_finished() -> bool:  # queued jobs keep their uploads across a restart, by design
            return all(api.get("/jobs", params={"status": s}).json()["jobs"] == [] for s in ("queued", "running"))

        wait_for(all_jobs_finished, 300, "the jobs schemathesis submitted to finish")
    assert run.returncode == 0, run.stdout[-6000:]
    assert " passed" in run.stdout and "generated" in run.stdout
    assert list((tmp_path / "data" / "uploads").iterdir()) == []
