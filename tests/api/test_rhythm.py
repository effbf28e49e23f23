"""/analyze?rhythm=true: the beats of the soundtrack, decoded in a worker; movement always."""

import pytest

from tests.support.media import click_video


def test_rhythm_reports_the_beats_of_the_soundtrack(client, tmp_path):
    video = click_video(tmp_path / "clicks.mp4", 120, seconds=8)
    r = client.post("/analyze", params={"rhythm": "true"}, files={"file": ("clicks.mp4", video.read_bytes())})
    assert r.status_code == 200, r.text
    rhythm = r.json()["rhythm"]
    assert rhythm["audio"] is True and rhythm["audio_tempo_bpm"] == pytest.approx(120, rel=0.04)
    assert len(rhythm["beats"]) >= 12
    assert "movement" in r.json()  # nobody dances in grey frames, but the section is there


def test_without_rhythm_there_is_no_rhythm_section(client, make_video):
    body = client.post("/analyze", files={"file": ("a.mp4", make_video().read_bytes())}).json()
    assert "rhythm" not in body and body["moves"] == []
