"""One umask policy for whatever runs a task: files holding candidate data are 0600 in 0700 folders,
also when the process that runs the task (a scheduler's executor, a Celery worker) has the usual 022."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from connectors.http import Payload
from include.config import load_config
from include.landing import Lander
from include.pipeline.runs import read_parts, run_dir, write_part
from include.pipeline.tasks import task_body
from include.private import private_dir
from include.run_context import RunContext
from tests.cli.cli_helpers import write_config


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def worker_umask():
    """The umask a scheduler or Celery worker usually starts with."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _payload() -> Payload:
    body = json.dumps([{"id": 1, "first_name": "Ana"}]).encode()
    return Payload("greenhouse", "https://harvest.greenhouse.io/v3/candidates", 200, body, 1700000000.0)


def test_landing_files_are_owner_only_whatever_the_umask(tmp_path, worker_umask):
    root = tmp_path / "landing"
    (root / "greenhouse").mkdir(parents=True, mode=0o755)  # a folder an earlier, permissive run made
    (root / "greenhouse").chmod(0o755)
    lander = Lander(root, "greenhouse", "2026-11-21", "cc-test")
    lander(_payload())
    files = lander.close()
    assert len(files) == 1
    path = Path(files[0].path)
    assert _mode(path) == 0o600
    for folder in (root / "greenhouse", root / "greenhouse" / "2026-11-21", path.parent):
        assert _mode(folder) == 0o700, folder


def test_landing_refuses_to_write_through_a_planted_symlink(tmp_path, worker_umask):
    lander = Lander(tmp_path / "landing", "greenhouse", "2026-11-21", "cc-test")
    lander.directory.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    (lander.directory / "main-0001.jsonl.gz").symlink_to(elsewhere)
    with pytest.raises(OSError):
        lander(_payload())
    assert not elsewhere.exists()


def test_manifest_parts_and_run_folders_are_owner_only(tmp_path, worker_umask):
    cfg = load_config(write_config(tmp_path))
    run = RunContext.new(date(2026, 11, 21))
    path = write_part(cfg, run, "start", {"started_at": "now"})
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(run_dir(cfg, run)) == 0o700
    assert _mode(cfg.data_path() / "runs") == 0o700
    assert read_parts(cfg, run) == {"start": {"started_at": "now"}}
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_task_body_sets_the_private_umask(tmp_path, worker_umask):
    @task_body
    def body() -> Path:
        path = tmp_path / "written-by-a-library.json"
        path.write_text("{}")  # as GX, DuckDB or the report renderer would: no explicit mode
        return path

    assert _mode(body()) == 0o600
    current = os.umask(0o022)
    assert current == 0o077


def test_private_dir_tightens_only_below_its_base(tmp_path, worker_umask):
    base = tmp_path / "data"
    base.mkdir(mode=0o755)
    base.chmod(0o755)
    (base / "runs").mkdir(mode=0o755)
    (base / "runs").chmod(0o755)
    made = private_dir(base / "runs" / "r1" / "manifest", base=base)
    assert _mode(made) == _mode(made.parent) == _mode(base / "runs") == 0o700
    assert _mode(base) == 0o755  # the base is the operator's to set
