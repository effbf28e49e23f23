"""The one settings object: read from DANCE_* variables, checked, and the limits it sets."""

import pytest
from pydantic import ValidationError

from dance_analyzer.config import Settings, get_settings
from dance_analyzer.errors import InvalidSettings
from dance_analyzer.media.video import Limits


def test_settings_come_from_dance_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("DANCE_PORT", "8080")
    monkeypatch.setenv("DANCE_SAMPLE_FPS", "12.5")
    monkeypatch.setenv("DANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DANCE_API_KEYS", " one, two ,,")
    monkeypatch.setenv("DANCE_CORS_ORIGINS", "https://a.example")
    monkeypatch.setenv("PORT", "1")  # not ours
    settings = Settings()
    assert (settings.port, settings.sample_fps, settings.data_dir) == (8080, 12.5, tmp_path)
    assert settings.api_key_list == ["one", "two"] and settings.cors_origin_list == ["https://a.example"]
    assert settings.max_upload_bytes == 200 * 1024 * 1024


@pytest.mark.parametrize(("name", "value"), [("DANCE_PORT", "0"), ("DANCE_WORKERS", "0"), ("DANCE_LOG_FORMAT", "xml")])
def test_impossible_values_are_refused_by_name(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("DANCE_").lower()):
        Settings()


def test_the_decoding_limits_follow_the_settings():
    limits = Limits.from_settings(Settings(max_duration_s=30, max_frames=900, max_pixels=1920 * 1080))
    assert limits == Limits(max_duration_s=30, max_frames=900, max_pixels=1920 * 1080)


def test_the_shells_get_the_refused_variables_named_with_their_values(monkeypatch):
    monkeypatch.setenv("DANCE_WORKERS", "0")
    monkeypatch.setenv("DANCE_PORT", "http")
    monkeypatch.setenv("DANCE_SAMPLE_FPS", "inf")
    monkeypatch.setenv("DANCE_MIN_SEGMENT_S", "inf")
    monkeypatch.setenv("DANCE_LOG_LEVEL", "verbose")
    get_settings.cache_clear()
    try:
        with pytest.raises(InvalidSettings) as refused:
            get_settings()
    finally:
        get_settings.cache_clear()
    message = str(refused.value)
    assert "DANCE_WORKERS=0: Input should be greater than or equal to 1" in message
    assert "DANCE_PORT=http: Input should be a valid integer" in message
    assert "DANCE_SAMPLE_FPS=inf: Input should be a finite number" in message
    assert "DANCE_MIN_SEGMENT_S=inf: Input should be a finite number" in message
    assert "DANCE_LOG_LEVEL=verbose: Input should be 'critical', 'error', 'warning', 'info' or 'debug'" in message


def test_the_log_level_is_read_in_any_case(monkeypatch):
    monkeypatch.setenv("DANCE_LOG_LEVEL", "DEBUG")
    assert Settings().log_level == "debug"
