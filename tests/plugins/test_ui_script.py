"""``make ui`` (scripts/ui.sh) as a user runs it: the real Airflow api-server with the plugin, on a free
loopback port, with SimpleAuthManager's users. Unauthenticated is 401, a logged-in user sees the HR page,
a viewer reads it without forms and is refused a clearance, the ``hr`` user (role user) clears."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.cli.cli_helpers import ROOT, write_config
from tests.report.report_seed import seed, warehouse

SCRIPT = ROOT / "scripts" / "ui.sh"


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "CROSSCHECK_", "PYTEST"))}
    env.update(
        AIRFLOW_HOME=str(tmp / "airflow-home"),
        CROSSCHECK_CONFIG=str(write_config(tmp)),
        AIRFLOW_CONN_CROSSCHECK_WAREHOUSE=json.dumps({"conn_type": "duckdb", "host": str(tmp / "warehouse.duckdb")}),
        PORT="0",
        **extra,
    )
    return env


def _request(url: str, token: str | None = None, data: dict[str, str] | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers=dict(headers or {}))
    if token:
        req.add_header("Authorization", f"Bearer {token}")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(req, timeout=30) as r:
            return r.status, r.read().decode("utf-8"), dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


def _login(base: str, user: str, password: str) -> str:
    req = urllib.request.Request(f"{base}/auth/token", data=json.dumps({"username": user, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return str(json.load(r)["access_token"])


def _status(db: Path, finding_id: str) -> str:
    wh = warehouse(str(db))
    try:
        return str(wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", [finding_id])[0]["status"])
    finally:
        wh.close()


def test_ui_without_a_warehouse_stops_before_airflow(tmp_path):
    res = subprocess.run(["bash", str(SCRIPT)], env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True,
                         timeout=60, check=False)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "no warehouse at" in lines[0] and "make demo" in lines[0]
    assert not (tmp_path / "airflow-home").exists()


def test_make_ui_runs_the_script():
    res = subprocess.run(["make", "-n", "ui"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert res.returncode == 0 and "bash scripts/ui.sh" in res.stdout, res.stdout + res.stderr


@pytest.fixture
def ui(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    wh = warehouse(str(db))
    seed(wh)
    wh.close()
    proc = subprocess.Popen(["bash", str(SCRIPT)], env=_env(tmp_path), cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True, umask=0o022)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    out: list[str] = []
    try:
        deadline = time.monotonic() + 300
        while not any("Stop with Ctrl-C." in line for line in out):
            assert proc.poll() is None or not lines.empty(), "ui.sh stopped:\n" + "".join(out)
            assert time.monotonic() < deadline, "ui.sh did not come up:\n" + "".join(out)
            try:
                out.append(lines.get(timeout=1))
            except queue.Empty:
                continue
        text = "".join(out)
        base = re.search(r"Crosscheck HR page: (http://127\.0\.0\.1:\d+)/crosscheck/", text).group(1)
        passwords = dict(re.findall(r"^  (\w+)\s+password (\S+)", text, re.MULTILINE))
        yield base, passwords, db, text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_the_hr_page_through_make_ui(ui):
    base, passwords, db, text = ui
    assert set(passwords) == {"hr", "viewer", "admin"} and "Log in at" in text
    # the file holding the passwords is the owner's only, though the test runs with the usual umask 022
    passwords_file = Path(re.search(r"Passwords are in (\S+) ", text).group(1))
    assert stat.S_IMODE(passwords_file.stat().st_mode) == 0o600

    # fail closed: no session, a bad token
    status, body, _ = _request(f"{base}/crosscheck/")
    assert status == 401 and "Senior Robotics Engineer" not in body
    assert _request(f"{base}/crosscheck/", token="not-a-jwt")[0] == 401
    assert _request(f"{base}/crosscheck/report.csv")[0] == 401

    viewer = _login(base, "viewer", passwords["viewer"])
    status, page, _ = _request(f"{base}/crosscheck/", token=viewer)
    assert status == 200 and "Senior Robotics Engineer" in page and "<form" not in page
    origin = {"Origin": base, "Sec-Fetch-Site": "same-origin"}
    form = {"finding_id": "f-ana-reg", "reason": "Registered under its former name", "by": "Vic"}
    status, body, _ = _request(f"{base}/crosscheck/clear", token=viewer, data={**form, "csrf_token": "0" * 64},
                               headers=origin)
    assert status == 403 and "edit access" in body
    assert _status(db, "f-ana-reg") == "open"

    hr = _login(base, "hr", passwords["hr"])
    status, page, _ = _request(f"{base}/crosscheck/", token=hr)
    assert status == 200 and page.count('<form class="clear"') == 3  # the day report: the day's new open findings
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)
    status, _, headers = _request(f"{base}/crosscheck/clear?lang=en", token=hr,
                                  data={**form, "by": "Hana Reviewer", "csrf_token": csrf}, headers=origin)
    assert status == 303 and headers["location"] == "./?lang=en&cleared=f-ana-reg#f-f-ana-reg"
    assert _status(db, "f-ana-reg") == "cleared"
    status, page, _ = _request(f"{base}/crosscheck/?lang=en&cleared=f-ana-reg", token=hr)
    assert "Finding Ana Silva · Employer not found in any company registry cleared" in page
    assert page.count('<form class="clear"') == 2
