"""Job records and upload storage on a real SQLite file and a real directory."""

import sqlite3
import threading
import time

import pytest

from dance_analyzer.jobs.models import Job, JobStatus
from dance_analyzer.jobs.service import JobService
from dance_analyzer.jobs.storage import JobFiles
from dance_analyzer.jobs.store import JobStore, QueueFull
from dance_analyzer.pipeline import AnalysisOptions


@pytest.fixture
def store(tmp_path):
    return JobStore(tmp_path / "jobs.sqlite3")


@pytest.fixture
def storage(tmp_path):
    return JobFiles(tmp_path / "data")


def test_a_job_round_trips_with_options_progress_and_result(store):
    job = Job.new("clip.mp4", AnalysisOptions(sample_fps=10, include_frames=True))
    store.add(job)
    assert store.get(job.id) == job
    running = job.evolve(status=JobStatus.RUNNING, started_at=time.time(), frames_done=5, frames_total=20)
    assert store.save(running)
    assert store.get(job.id).progress == 0.25
    done = running.succeeded({"total_frames": 20, "pose_summary": [{"pose": "squat", "frames_detected": 3}]})
    store.save(done)
    again = JobStore(store.path).get(job.id)  # a new store on the same file: what a restart sees
    assert again == done and again.progress == 1.0 and again.options.sample_fps == 10


def test_every_option_survives_the_store_including_a_move_file_and_people(store, tmp_path):
    options = AnalysisOptions(
        people=True, max_people=3, moves_file=tmp_path / "moves.yaml", model="lite", precision="auto"
    )
    job = Job.new("clip.mp4", options)
    store.add(job)
    assert JobStore(store.path).get(job.id).options == options


def test_saving_a_deleted_job_reports_it(store):
    job = Job.new("a.mp4", AnalysisOptions())
    store.add(job)
    assert store.delete(job.id)
    assert not store.save(job.evolve(status=JobStatus.RUNNING))
    assert store.get(job.id) is None and not store.delete(job.id)


def test_the_queue_limit_holds_under_concurrent_submissions(store):
    accepted, refused = [], []

    def submit():
        job = Job.new("a.mp4", AnalysisOptions())
        try:
            store.add(job, max_unfinished=3)
            accepted.append(job)
        except QueueFull:
            refused.append(job)

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(accepted), len(refused)) == (3, 9)
    store.save(accepted[0].evolve(status=JobStatus.RUNNING))  # running jobs do not count as queued
    store.add(Job.new("b.mp4", AnalysisOptions()), max_unfinished=3)


def test_list_is_newest_first_without_results_and_filters_by_status(store):
    jobs = [Job.new(f"{i}.mp4", AnalysisOptions()).evolve(created_at=1000.0 + i) for i in range(4)]
    for job in jobs:
        store.add(job)
    store.save(jobs[1].succeeded({"total_frames": 1}))
    listed = store.list(limit=3)
    assert [j.filename for j in listed] == ["3.mp4", "2.mp4", "1.mp4"]
    assert all(j.result is None for j in listed)
    assert [j.filename for j in store.list(status=JobStatus.DONE)] == ["1.mp4"]
    assert [j.filename for j in store.with_status(JobStatus.QUEUED)] == ["0.mp4", "2.mp4", "3.mp4"]


def test_job_files_take_staged_uploads_and_refuse_ids_that_are_paths(storage, tmp_path):
    staged = tmp_path / "upload-x.video"
    staged.write_bytes(b"video bytes")
    job = Job.new("a.mp4", AnalysisOptions())
    storage.put(job.id, staged)
    assert not staged.exists() and storage.local_path(job.id).read_bytes() == b"video bytes"
    assert storage.job_ids() == {job.id}
    for bad in ("../../etc/passwd", "x" * 32, job.id + "/"):
        with pytest.raises(ValueError):
            storage.local_path(bad)
    storage.overlay_path(job.id).write_bytes(b"mp4")
    storage.delete_upload(job.id)
    assert storage.local_path(job.id) is None and storage.job_ids() == {job.id}
    storage.delete_all(job.id)
    assert storage.job_ids() == set()


def test_a_photos_annotated_picture_is_a_jobs_file_and_goes_with_it(storage, store):
    job = Job.new("a.jpg", AnalysisOptions(), overlay=True, photo=True)
    store.add(job)
    assert JobStore(store.path).get(job.id).photo is True
    picture = storage.overlay_path(job.id, photo=True)
    assert picture.name == f"{job.id}.jpg" and storage.overlay_path(job.id).name == f"{job.id}.mp4"
    picture.write_bytes(b"jpeg")
    (storage.overlays / f"{job.id}.jpg.partial").write_bytes(b"cut off")  # a render a crash stopped
    assert storage.job_ids() == {job.id}
    storage.remove_partial_files()
    assert [p.name for p in storage.overlays.iterdir()] == [picture.name]
    storage.delete_all(job.id)
    assert storage.job_ids() == set() and list(storage.overlays.iterdir()) == []


def test_a_job_database_from_before_photos_reads_its_jobs_as_videos(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    job = Job.new("clip.mp4", AnalysisOptions(), overlay=True)
    JobStore(path).add(job)
    with sqlite3.connect(path) as db:  # as a database made before the column was
        db.execute("ALTER TABLE jobs DROP COLUMN photo")
    again = JobStore(path)
    assert again.get(job.id) == job and again.get(job.id).photo is False
    photo = Job.new("a.jpg", AnalysisOptions(), overlay=True, photo=True)
    again.add(photo)
    assert again.get(photo.id).photo is True


class RecordingService(JobService):
    """The base service's bookkeeping, with nothing to dispatch to."""

    def _dispatch(self, job):
        pass

    def _withdraw(self, job_id):
        pass


def test_sweep_deletes_expired_jobs_with_their_files_and_start_removes_orphans(store, storage, tmp_path):
    service = RecordingService(store, storage, max_queued=10, ttl_s=60)
    old, fresh, waiting = (Job.new(f"{n}.mp4", AnalysisOptions()) for n in ("old", "fresh", "waiting"))
    for job in (old, fresh, waiting):
        staged = tmp_path / f"{job.id}.staged"
        staged.write_bytes(b"x")
        service.submit(job, staged)
    store.save(old.succeeded({"total_frames": 1}).evolve(finished_at=time.time() - 61))
    store.save(fresh.succeeded({"total_frames": 1}))
    (storage.uploads / "upload-partial.video").write_bytes(b"cut off")  # a crash mid-upload
    service.start()  # sweeps, then removes what no unfinished job owns
    service.close()
    assert store.get(old.id) is None and store.get(fresh.id) is not None
    assert sorted(p.name for p in storage.uploads.iterdir()) == [f"{waiting.id}.video"]
