"""`make screenshots` (scripts/screenshots.py): both locales' pictures from a folder of reports and of a
dispute file, with
Debian's headless Chromium, of the asked size and not blank; a clear one-line error without reports."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from include.config import PROJECT_ROOT
from include.report.dossier import write_dossier
from include.report.site import build_site
from include.warehouse import connect
from tests.report import chromium_cdp, report_seed
from tests.report.report_seed import DAY, RUN
from tests.timeline.dossier_seed import CID, seed

SCRIPT = PROJECT_ROOT / "scripts" / "screenshots.py"


@pytest.fixture(autouse=True, scope="module")
def _chromium_installed():
    if not chromium_cdp.available():
        pytest.fail("needs Debian's chromium and fonts-noto-cjk: run `make system-deps` (make test does)")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("shots")
    site = report_seed.warehouse()
    report_seed.seed(site)
    build_site(site, DAY, RUN, report_seed.config(tmp), tmp / "reports")  # as the pipeline writes it
    site.close()
    wh = connect({"conn_type": "duckdb", "host": str(tmp / "dossier.duckdb")})
    wh.migrate()
    seed(wh)
    for loc in ("en", "zh_CN"):  # the demo's dispute file sits beside the reports
        write_dossier(wh, CID, tmp / "dossiers", loc, pdf=False)
    wh.close()
    return tmp / "reports"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=300, check=False
    )


def scanlines(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct raw scanlines of an 8-bit RGB(A) PNG (no Pillow needed)."""
    blob = path.read_bytes()
    assert blob.startswith(b"\x89PNG\r\n\x1a\n")
    pos, idat, header = 8, b"", b""
    while pos < len(blob):
        (length,) = struct.unpack(">I", blob[pos : pos + 4])
        kind, body = blob[pos + 4 : pos + 8], blob[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    stride = 1 + width * (3 if colour == 2 else 4)
    raw = zlib.decompress(idat)
    assert len(raw) == stride * height
    return width, height, {raw[i * stride + 1 : (i + 1) * stride] for i in range(height)}


def test_both_locales_are_pictured_at_the_asked_size(reports, tmp_path):
    out = tmp_path / "docs"
    proc = run("--reports", reports, "--out", out, "--width", 1000, "--height", 1400)
    assert proc.returncode == 0, proc.stderr
    shots = {p.name: p for p in out.glob("*.png")}
    assert set(shots) == {"report-demo-en.png", "report-demo-zh.png", "requisition-demo-en.png",
                          "requisition-demo-zh.png", "dossier-demo-en.png", "dossier-demo-zh.png"}
    seen = {}
    for name, path in shots.items():
        width, height, rows = scanlines(path)
        assert (width, height) == (1000, 1400)
        # a report, not a blank page: text and tiles make hundreds of different rows of pixels
        assert len(rows) > 300, f"{name}: only {len(rows)} distinct rows"
        seen[name] = rows
        assert f"{path}" in proc.stdout
    assert seen["report-demo-en.png"] != seen["report-demo-zh.png"]
    assert seen["requisition-demo-en.png"] != seen["requisition-demo-zh.png"] != seen["report-demo-zh.png"]
    assert seen["dossier-demo-en.png"] != seen["dossier-demo-zh.png"] != seen["report-demo-zh.png"]
    assert not list(out.glob("*.tmp.png"))


def test_the_latest_day_with_both_locales_is_taken(reports, tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(reports, folder)
    day = DAY.isoformat()
    # a later day with only the English report is not complete: the script keeps to DAY
    shutil.copyfile(folder / f"report-{day}-en.html", folder / "report-2099-01-01-en.html")
    dossiers = ("--dossiers", reports.parent / "dossiers")
    proc = run("--reports", folder, *dossiers, "--out", tmp_path / "out", "--height", 600)
    assert proc.returncode == 0, proc.stderr
    assert f"report-{day}-en.html" in proc.stdout and f"report-{day}-zh_CN.html" in proc.stdout
    proc = run("--reports", folder, *dossiers, "--out", tmp_path / "out", "--day", "2099-01-01")
    assert proc.returncode == 2 and "no report of 2099-01-01 in both locales" in proc.stderr


def test_without_demo_reports_it_says_run_make_demo(tmp_path):
    proc = run("--reports", tmp_path / "nothing", "--out", tmp_path / "out")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "make demo" in lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_the_access_report_is_pictured_in_both_locales_from_a_warehouse(tmp_path):
    from tests.cli.cli_helpers import write_config
    from tests.report.report_seed import seed, warehouse

    wh = warehouse(str(tmp_path / "warehouse.duckdb"))
    seed(wh)
    wh.close()
    env = {**os.environ, "CROSSCHECK_CONFIG": str(write_config(tmp_path))}
    out = tmp_path / "docs"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--what", "access", "--warehouse", str(tmp_path / "warehouse.duckdb"),
         "--out", str(out), "--height", "900"], capture_output=True, text=True, timeout=300, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    shots = {p.name: scanlines(p) for p in out.glob("*.png")}
    assert set(shots) == {"access-report-en.png", "access-report-zh.png"}
    assert all(s[:2] == (1000, 900) and len(s[2]) > 200 for s in shots.values())
    assert shots["access-report-en.png"][2] != shots["access-report-zh.png"][2]
    assert not list(tmp_path.glob("crosscheck-access-*"))  # the private pages are gone


def test_without_a_demo_warehouse_the_access_pictures_say_run_make_demo(tmp_path):
    proc = run("--what", "access", "--warehouse", tmp_path / "none.duckdb", "--out", tmp_path / "out")
    assert proc.returncode == 2 and "no warehouse at" in proc.stderr and "make demo" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_the_hr_desk_is_pictured_at_a_laptops_and_a_phones_size(tmp_path):
    from tests.cli.cli_helpers import write_config
    from tests.report.report_seed import seed, warehouse

    wh = warehouse(str(tmp_path / "warehouse.duckdb"))
    seed(wh)
    wh.close()
    env = {**os.environ, "CROSSCHECK_CONFIG": str(write_config(tmp_path))}
    out = tmp_path / "docs"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--what", "desk", "--warehouse", str(tmp_path / "warehouse.duckdb"),
         "--out", str(out)], capture_output=True, text=True, timeout=300, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    shots = {p.name: scanlines(p) for p in out.glob("*.png")}
    assert {n: s[:2] for n, s in shots.items()} == {"desk-laptop.png": (1366, 900), "desk-phone.png": (390, 844)}
    assert all(len(s[2]) > 150 for s in shots.values())


def test_the_hr_candidate_page_with_a_notice_and_a_dispute_is_pictured_in_both_locales(tmp_path):
    """The candidate with a dispute and a decision, as the HR page shows them, in en and zh_CN."""
    from datetime import date

    from include.disputes import record_dispute
    from include.notices import record_decision
    from tests.cli.cli_helpers import write_config
    from tests.report.report_seed import config, seed, warehouse

    wh = warehouse(str(tmp_path / "warehouse.duckdb"))
    seed(wh)
    record_decision(wh, "greenhouse:7005", "pre_adverse", "Gap not explained", "Hana HR", config(tmp_path))
    record_dispute(wh, "f-long-gap", "I was caring for a parent", date(2026, 11, 20), "Hana HR")
    wh.close()
    env = {**os.environ, "CROSSCHECK_CONFIG": str(write_config(tmp_path))}
    out = tmp_path / "docs"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--what", "candidate", "--warehouse", str(tmp_path / "warehouse.duckdb"),
         "--out", str(out), "--width", "1000", "--height", "900"],
        capture_output=True, text=True, timeout=300, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    shots = {p.name: scanlines(p) for p in out.glob("*.png")}
    assert set(shots) == {"candidate-demo-en.png", "candidate-demo-zh.png"}
    assert all(s[:2] == (1000, 900) and len(s[2]) > 200 for s in shots.values())
    assert shots["candidate-demo-en.png"][2] != shots["candidate-demo-zh.png"][2]
    assert not list(tmp_path.glob("crosscheck-candidate-*"))
