from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dance_analyzer.api import create_app
from dance_analyzer.config import Settings


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def settings(data_dir):
    return Settings(workers=2, data_dir=data_dir, max_upload_mb=5, max_duration_s=60)


@pytest.fixture(scope="session")
def client(settings):
    """The real app with a real worker process holding the real model."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(autouse=True)
def no_upload_left_behind(data_dir):
    yield
    leftovers = [*(data_dir / "tmp").glob("upload-*"), *(data_dir / "tmp").glob("picture-*")]
    leftovers += [*(data_dir / "uploads").glob("*")]
    assert leftovers == [], f"temporary uploads left behind: {leftovers}"
