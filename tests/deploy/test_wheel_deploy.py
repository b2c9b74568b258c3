"""The wheel, installed (not editable) into a new virtual environment with the pinned Airflow, deployed by
running docs/DEPLOY.md's tested commands as written, from a directory outside the repository with a
fresh AIRFLOW_HOME, against a small sandbox world: no DAG import error, ``crosscheck doctor`` passes, and
one daily run through Airflow succeeds.

Run it alone: ``pytest -m deploy tests/deploy``. It took 4 min 20 s to 5 min 50 s on the shared 2-core machine (the
wheel build and the install take seconds from uv's cache; Airflow's start-up per command, the daily run
and the retention DAG take the rest).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = Path(sys.executable).with_name("uv")
DEPLOY_MD = ROOT / "docs" / "DEPLOY.md"
WORKSHOP = ("sandbox", "evaluation", "stack", "bench", "scripts", "tests")
PRODUCT = {"include", "connectors", "plugins"}

PROBE = "import json, connectors, include, plugins; print(json.dumps([m.__file__ for m in (connectors, include, plugins)]))"

pytestmark = pytest.mark.deploy


def deploy_md_steps(text: str) -> list[str]:
    """The ```bash blocks between DEPLOY.md's deploy-test markers (install, then upgrade), in order."""
    regions = [part.split("<!-- deploy-test:end -->", 1)[0] for part in text.split("<!-- deploy-test:begin -->")[1:]]
    return [block for region in regions
            for block in re.findall(r"^```bash\n(.*?)^```$", region, flags=re.DOTALL | re.MULTILINE)]


def network_settings() -> dict[str, str]:
    """How this machine reaches the package registries (certificates, proxies, index settings): pip and uv
    need them; nothing else of the calling environment goes through."""
    keep = ("UV_", "PIP_", "SSL_", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
    return {k: v for k, v in os.environ.items()
            if k.startswith(keep) or k.lower() in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")}


def _uv_cache() -> str:
    return subprocess.run([str(UV), "cache", "dir"], capture_output=True, text=True, check=True).stdout.strip()


def _source_tree(dst: Path) -> Path:
    """The checkout's files as git would ship them, without .var, build/ or caches a build could pick up."""
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(
        ".git", ".var", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "artifacts"))
    return dst


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """What a release ships: the wheel and requirements.lock, built the way DEPLOY.md says."""
    tmp = tmp_path_factory.mktemp("build")
    out = tmp_path_factory.mktemp("release")
    subprocess.run([str(UV), "build", "--wheel", "--out-dir", str(out), str(_source_tree(tmp / "src"))],
                   check=True, capture_output=True, text=True, timeout=300)
    shutil.copy(ROOT / "requirements.lock", out / "requirements.lock")
    return out


def test_the_wheel_holds_the_product_and_no_workshop(release):
    (wheel,) = release.glob("crosscheck-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        entry_points = zf.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == PRODUCT, tops
    assert not [n for n in names if n.split("/", 1)[0] in WORKSHOP]
    shipped_dags = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("include/dags/"))
    assert shipped_dags == sorted(p.name for p in (ROOT / "dags").glob("*.py"))
    for data in ("include/report/templates/report.html.j2", "include/warehouse/migrations/001_core.sql",
                 "include/report/locale/zh_CN/LC_MESSAGES/messages.po", "include/engine/aliases/table.json"):
        assert data in names
    assert "crosscheck_ui = plugins.crosscheck_ui:CrosscheckUIPlugin" in entry_points


def _serve_sandbox(tmp: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], Path]:
    """A small world generated for today, served by the dev venv; its AIRFLOW_CONN_* exports in a file."""
    today = datetime.now(UTC).date().isoformat()
    world = tmp / "world"
    subprocess.run([sys.executable, "-m", "sandbox", "generate", "--seed", "7", "--candidates", "12",
                    "--report-day", today, "--out", str(world)], env=env, check=True, capture_output=True,
                   timeout=300)
    env_file = tmp / "sandbox.env"
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", "--world", str(world), "--port", "0",
                             "--env-file", str(env_file)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (env_file.is_file() and env_file.stat().st_size) and time.monotonic() < deadline:
        assert proc.poll() is None, "the sandbox exited"
        time.sleep(0.1)
    assert env_file.stat().st_size, "the sandbox did not write its connections"
    return proc, env_file


def test_deploy_md_into_a_fresh_airflow(release, tmp_path):
    venv, home = tmp_path / "airflow-venv", tmp_path / "crosscheck"
    subprocess.run([str(UV), "venv", "-q", "--python", sys.executable, str(venv)], check=True, timeout=120)
    dev_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sandbox, sandbox_env = _serve_sandbox(tmp_path, dev_env)
    # a clean environment: no PYTHONPATH, no checkout on any path; HOME elsewhere so ~/airflow is not used
    env = {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path / "user"),
           "LANG": "C.UTF-8", "TMPDIR": str(tmp_path), "UV_CACHE_DIR": _uv_cache(), "VIRTUAL_ENV": str(venv),
           "AIRFLOW_HOME": str(tmp_path / "airflow"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "CROSSCHECK_HOME": str(home), **network_settings()}
    steps = deploy_md_steps(DEPLOY_MD.read_text(encoding="utf-8"))
    assert len(steps) >= 6
    script = [
        "set -euo pipefail",
        f'pip() {{ "{UV}" pip "$@"; }}  # uv pip: the same arguments as pip, fast from the cache',
        f". {sandbox_env}  # the sandbox's connections in place of real sources",
    ]
    for i, block in enumerate(steps):
        script += [f"echo '=== step {i}'", block]
    script.append("echo '=== done'")
    try:
        proc = subprocess.run(["bash", "-c", "\n".join(script)], cwd=release, env=env, capture_output=True,
                              text=True, timeout=900, check=False)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    out = proc.stdout
    assert proc.returncode == 0 and "=== done" in out, f"{out[-4000:]}\n{proc.stderr[-4000:]}"

    doctor = [line for line in out.splitlines() if re.match(r"^(ok|FAIL)  ", line)]  # install and upgrade
    assert len(doctor) >= 20 and all(line.startswith("ok") for line in doctor), doctor
    for name in ("config", "data_dir", "warehouse", "dags", "executor", "plugin"):
        assert any(line.split()[1] == f"{name}:" for line in doctor), name
    (i,) = [i for i, block in enumerate(steps) if "list-import-errors" in block]
    step_out = out.split(f"=== step {i}\n", 1)[1].split(f"=== step {i + 1}\n", 1)[0]
    assert step_out.rstrip().endswith("No data found"), step_out[-2000:]  # list-import-errors: none
    assert "crosscheck_report: success" in out
    assert "audit chain OK: 1 runs verified" in out
    assert re.search(r"purge_expired.*success|Marking run .*crosscheck_retention.* successful|state=success",
                     out + proc.stderr), "airflow dags test crosscheck_retention"
    assert (home / "warehouse" / "crosscheck.duckdb.before-upgrade").is_file()
    assert out.count("unchanged ") == len(list((ROOT / "dags").glob("*.py")))  # the upgrade's dags install
    assert (home / "data").stat().st_mode & 0o777 == 0o700
    today = datetime.now(UTC).date().isoformat()
    assert (home / "data" / "reports" / f"report-{today}-en.html").is_file()
    assert sorted(p.name for p in (tmp_path / "airflow" / "dags" / "crosscheck").glob("*.py")) == sorted(
        p.name for p in (ROOT / "dags").glob("*.py"))

    # the generic top-level names come from the wheel, not from a checkout
    probe = subprocess.run([str(venv / "bin" / "python"), "-c", PROBE],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    for path in json.loads(probe.stdout):
        assert Path(path).parent.parent == site, path
    assert not list(site.glob("__editable__*"))
    for pth in site.glob("*.pth"):
        assert str(ROOT) not in pth.read_text(encoding="utf-8"), pth
