"""`make screenshots`: the README's pictures of the HR report, both locales, regenerated from the
reports the last `make demo` wrote (``<data_dir>/reports/report-<day>-<locale>.html``), with Debian's
headless Chromium at a laptop's width. Only a local file is opened; nothing goes to the network.

    .venv/bin/python scripts/screenshots.py [--reports DIR] [--day YYYY-MM-DD] [--out DIR]
                                            [--width 1366] [--height 2000]
                                            [--what report|access|desk|candidate|all] [--warehouse FILE]

Writes ``report-demo-en.png`` and ``report-demo-zh.png`` into ``docs/screenshots/`` (the top of each
day report: notices, disputes, what needs HR today), ``requisition-demo-en.png`` and
``requisition-demo-zh.png`` (the first requisition page showing a disputed finding, else the first), and
``dossier-demo-en.png`` and
``dossier-demo-zh.png`` from the dispute file the demo wrote (``<data_dir>/dossiers``, the newest). With ``--what access`` (or ``all``, as
``make screenshots`` runs it) also ``access-report-en.png`` and ``access-report-zh.png`` from the demo's
warehouse: the report ``crosscheck candidate export`` writes for the demo candidate with the most
findings; with ``--what desk`` (or ``all``) ``desk-laptop.png`` and ``desk-phone.png``: the HR page's
desk of the demo's latest run at a laptop's and a phone's size; with ``--what candidate`` (or ``all``)
``candidate-demo-en.png`` and ``candidate-demo-zh.png``: the HR page's candidate page of the demo's
candidate with a dispute and a decision (``scripts/demo_notices.py`` records them). All are rendered into a private
temporary folder removed after. Exits 2 with one line when there is
no demo report for both locales, no demo warehouse or no Chromium, 1 when Chromium does not produce a
picture of the asked size.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# locale in the report's file name -> the picture's name in docs/screenshots (README links these)
LOCALES = {"en": "report-demo-en.png", "zh_CN": "report-demo-zh.png"}
DOSSIERS = {"en": "dossier-demo-en.png", "zh_CN": "dossier-demo-zh.png"}
REQUISITIONS = {"en": "requisition-demo-en.png", "zh_CN": "requisition-demo-zh.png"}
CANDIDATE = {"en": "candidate-demo-en.png", "zh_CN": "candidate-demo-zh.png"}  # the HR page's candidate page
ACCESS = {"en": "access-report-en.png", "zh_CN": "access-report-zh.png"}
DESK = {"desk-laptop.png": (1366, 900), "desk-phone.png": (390, 844)}  # the HR page's desk, two screens
DEMO_WAREHOUSE = ROOT / ".var" / "warehouse" / "crosscheck.duckdb"  # where `make demo` puts it
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REPORT_NAME = re.compile(r"report-(\d{4}-\d{2}-\d{2})-(en|zh_CN)\.html$")


class Failure(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def default_reports_dir() -> Path:
    """The demo's report folder: ``data_dir`` of ``CROSSCHECK_CONFIG`` (the demo's config if unset)."""
    from include.config import CONFIG_ENV, ConfigError, load_config
    from sandbox import DEMO_CONFIG

    try:
        cfg = load_config(os.environ.get(CONFIG_ENV) or DEMO_CONFIG)
    except ConfigError as exc:
        raise Failure(str(exc), 2) from None
    return cfg.data_path() / "reports"


def pick_dossiers(folder: Path) -> dict[str, Path]:
    """The newest dossier HTML of each locale in ``folder`` (``make demo`` writes one candidate's)."""
    found = {}
    for locale in DOSSIERS:
        files = sorted(folder.glob(f"dossier-*-{locale}.html"), key=lambda p: p.stat().st_mtime) \
            if folder.is_dir() else []
        if not files:
            raise Failure(f"no dossier-*-{locale}.html in {folder}: run `make demo` first", 2)
        found[locale] = files[-1]
    return found


def pick_reports(reports: Path, day: str | None) -> dict[str, Path]:
    """The report files of ``day``, else of the latest day that has both locales."""
    by_day: dict[str, dict[str, Path]] = {}
    for path in reports.glob("report-*.html") if reports.is_dir() else []:
        m = REPORT_NAME.search(path.name)
        if m:
            by_day.setdefault(m.group(1), {})[m.group(2)] = path
    complete = sorted(d for d, files in by_day.items() if set(LOCALES) <= set(files))
    if day is not None:
        if day not in complete:
            raise Failure(f"no report of {day} in both locales under {reports} (run `make demo`)", 2)
        return by_day[day]
    if not complete:
        raise Failure(f"no report in both locales under {reports}: run `make demo` first", 2)
    return by_day[complete[-1]]


def pick_requisition(reports: dict[str, Path]) -> dict[str, Path]:
    """The same requisition page in both locales (``report-<day>-<locale>/requisitions/<key>.html``): the
    first, by key, that shows a disputed finding, else the first."""
    folders = {loc: html.with_suffix("") / "requisitions" for loc, html in reports.items()}
    keys = sorted(set.intersection(*({p.name for p in f.glob("*.html")} for f in folders.values())))
    if not keys:
        raise Failure(f"no requisition pages under {folders['en']} in both locales: run `make demo` first", 2)
    disputed = [k for k in keys if 'class="disputed-note"' in (folders["en"] / k).read_text(encoding="utf-8")]
    key = (disputed or keys)[0]
    return {loc: folder / key for loc, folder in folders.items()}


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24] if path.exists() else b""
    if len(head) < 24 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
        raise Failure(f"{path}: Chromium wrote no PNG", 1)
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def shoot(chromium: str, html: Path, out: Path, width: int, height: int) -> None:
    """Chromium's own ``--screenshot``: the window's size is the picture's size."""
    profile = tempfile.mkdtemp(prefix="crosscheck-shot-")
    tmp = out.with_name(out.name + ".tmp.png")
    tmp.unlink(missing_ok=True)
    try:
        proc = subprocess.run(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--mute-audio", "--force-device-scale-factor=1",
                f"--user-data-dir={profile}", f"--window-size={width},{height}",
                f"--screenshot={tmp}", html.resolve().as_uri(),
            ],
            capture_output=True, text=True, timeout=120, check=False,
        )
    except subprocess.TimeoutExpired:
        raise Failure(f"chromium took over 120 s on {html.name}", 1) from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0 or not tmp.exists():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        tmp.unlink(missing_ok=True)
        raise Failure(f"chromium failed on {html.name} (exit {proc.returncode}): {last}", 1)
    got = png_size(tmp)
    if got != (width, height):
        tmp.unlink(missing_ok=True)
        raise Failure(f"{html.name}: picture is {got[0]}x{got[1]}, asked for {width}x{height}", 1)
    tmp.replace(out)


def access_reports(warehouse: Path, folder: Path) -> dict[str, Path]:
    """The access report of the demo candidate with the most findings, in both locales, into ``folder``."""
    from include.audit.access_report import findings_files, render_access_report, report_files
    from include.audit.subject import export_candidate
    cfg, wh = _demo(warehouse)
    try:
        top = wh.query("SELECT candidate_id, COUNT(*) AS n FROM discrepancies GROUP BY candidate_id "
                       "ORDER BY n DESC, candidate_id LIMIT 1")
        if not top:
            raise Failure(f"the warehouse at {warehouse} holds no findings: run `make demo` first", 2)
        data = export_candidate(wh, str(top[0]["candidate_id"]), cfg.landing_path())
        data["report_files"] = report_files(wh, data["candidate_id"], cfg.data_path())
        data["findings_files"] = findings_files(wh, data["candidate_id"], cfg.data_path())
        out = {}
        for locale in ACCESS:
            path = folder / f"access-{locale}.html"
            path.write_text(render_access_report(wh, data, cfg, locale), encoding="utf-8")
            path.chmod(0o600)
            out[locale] = path
        return out
    finally:
        wh.close()


def _demo(warehouse: Path) -> tuple[Any, Any]:
    """The demo's configuration and its warehouse, opened (the caller closes it)."""
    from include.config import CONFIG_ENV, ConfigError, load_config
    from include.warehouse import WarehouseError, connect
    from sandbox import DEMO_CONFIG

    if not warehouse.is_file():
        raise Failure(f"no warehouse at {warehouse}: run `make demo` first (or pass --warehouse)", 2)
    try:
        return load_config(os.environ.get(CONFIG_ENV) or DEMO_CONFIG), connect(
            {"conn_type": "duckdb", "host": str(warehouse)})
    except (ConfigError, WarehouseError) as exc:
        raise Failure(str(exc), 2) from None


def desk_page(warehouse: Path, folder: Path) -> Path:
    """HR's desk of the demo's latest run (``include.report.desk``), as the HR page serves it, in ``folder``."""
    from include.report.data import load_report_data
    from include.report.desk import Filters, first_seen, render_desk
    from include.warehouse.runs import latest_run

    cfg, wh = _demo(warehouse)
    try:
        latest = latest_run(wh)
        if latest is None:
            raise Failure(f"the warehouse at {warehouse} has no sealed run: run `make demo` first", 2)
        data = load_report_data(wh, latest.report_day, latest.run_id, cfg)
        path = folder / "desk.html"
        path.write_text(render_desk(data, first_seen(wh, latest.run_id), Filters(), "en"), encoding="utf-8")
        path.chmod(0o600)
        return path
    finally:
        wh.close()


def candidate_pages(warehouse: Path, folder: Path) -> dict[str, Path]:
    """The HR page's candidate page (``/candidate``), in both locales, as the page serves it to HR with edit
    access, of the demo's candidate with a dispute and a decision (else the one with the most findings)."""
    from fastapi.testclient import TestClient

    from plugins.crosscheck_ui import Principal, create_app

    cfg, wh = _demo(warehouse)
    try:
        tables = wh.tables()
        rows = wh.query(
            "SELECT d.candidate_id FROM finding_disputes x JOIN discrepancies d ON d.finding_id = x.finding_id "
            "JOIN notice_decisions n ON n.candidate_id = d.candidate_id ORDER BY d.candidate_id LIMIT 1"
        ) if {"finding_disputes", "notice_decisions"} <= set(tables) else []
        rows = rows or wh.query("SELECT candidate_id, COUNT(*) AS n FROM discrepancies GROUP BY candidate_id "
                                "ORDER BY n DESC, candidate_id LIMIT 1")
        if not rows:
            raise Failure(f"the warehouse at {warehouse} holds no findings: run `make demo` first", 2)
        candidate = str(rows[0]["candidate_id"])
        app = create_app(warehouse_factory=lambda: wh, config=cfg,
                         verify_token=lambda token, method: Principal("demo", "Demo HR", can_clear=True))
        out = {}
        with TestClient(app, cookies={"_token": "demo"}) as client:
            for locale in CANDIDATE:
                got = client.get("/candidate", params={"id": candidate, "lang": locale})
                if got.status_code != 200:
                    raise Failure(f"the HR page answered {got.status_code} for the candidate page", 1)
                path = folder / f"candidate-{locale}.html"
                path.write_text(got.text, encoding="utf-8")
                path.chmod(0o600)
                out[locale] = path
        return out
    finally:
        wh.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="make screenshots",
        description="Regenerate docs/screenshots/report-demo-{en,zh}.png and dossier-demo-{en,zh}.png from the "
                    "demo's reports and dispute file, and access-report-{en,zh}.png and desk-{laptop,phone}.png "
                    "from its warehouse.",
    )
    ap.add_argument("--reports", type=Path, help="folder of report-<day>-<locale>.html "
                    "(default: <data_dir>/reports of CROSSCHECK_CONFIG, the demo's config if unset)")
    ap.add_argument("--dossiers", type=Path, help="folder of dossier-<candidate>-<locale>.html "
                    "(default: dossiers beside the reports folder)")
    ap.add_argument("--day", help="the report day, YYYY-MM-DD (default: the latest with both locales)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                    help="where the PNGs go (default: docs/screenshots)")
    ap.add_argument("--width", type=int, default=1366, help="window width in CSS px (default 1366)")
    ap.add_argument("--height", type=int, default=2000, help="picture height in px (default 2000)")
    ap.add_argument("--what", choices=("report", "access", "desk", "candidate", "all"), default="report",
                    help="the report's pictures, the access report's, the HR desk's, the HR page's candidate "
                         "page's, or all (`make screenshots`: all)")
    ap.add_argument("--warehouse", type=Path, default=DEMO_WAREHOUSE,
                    help="the demo's DuckDB warehouse, for the access report (default: .var/warehouse/crosscheck.duckdb)")
    args = ap.parse_args(argv)
    try:
        if args.width < 320 or args.height < 200:
            raise Failure("--width must be at least 320 and --height at least 200", 2)
        chromium = os.environ.get("CROSSCHECK_CHROMIUM") or shutil.which("chromium")
        if not chromium or not Path(chromium).exists():
            raise Failure("no chromium on PATH: `make system-deps` installs Debian's", 2)
        if args.what in ("all", "report"):
            reports = args.reports or default_reports_dir()
            files = pick_reports(reports, args.day)
            dossiers = pick_dossiers(args.dossiers or reports.parent / "dossiers")
            args.out.mkdir(parents=True, exist_ok=True)
            reqs = pick_requisition(files)
            jobs = [(files[loc], name) for loc, name in LOCALES.items()] + \
                [(reqs[loc], name) for loc, name in REQUISITIONS.items()] + \
                [(dossiers[loc], name) for loc, name in DOSSIERS.items()]
            for html, name in jobs:
                out = args.out / name
                shoot(chromium, html, out, args.width, args.height)
                print(f"screenshots: {out} ({args.width}x{args.height}, {out.stat().st_size // 1024} KiB) "
                      f"from {html.name}")
        if args.what in ("all", "access"):
            private = Path(tempfile.mkdtemp(prefix="crosscheck-access-"))  # mode 700: personal data
            try:
                pages = access_reports(args.warehouse, private)
                args.out.mkdir(parents=True, exist_ok=True)
                for locale, html in pages.items():
                    out = args.out / ACCESS[locale]
                    shoot(chromium, html, out, 1000, args.height)
                    print(f"screenshots: {out} (1000x{args.height}, {out.stat().st_size // 1024} KiB), "
                          f"the access report in {locale}")
            finally:
                shutil.rmtree(private, ignore_errors=True)
        if args.what in ("all", "desk"):
            private = Path(tempfile.mkdtemp(prefix="crosscheck-desk-"))  # mode 700: names of candidates
            try:
                page = desk_page(args.warehouse, private)
                args.out.mkdir(parents=True, exist_ok=True)
                for name, (width, height) in DESK.items():
                    out = args.out / name
                    shoot(chromium, page, out, width, height)
                    print(f"screenshots: {out} ({width}x{height}, {out.stat().st_size // 1024} KiB), the HR desk")
            finally:
                shutil.rmtree(private, ignore_errors=True)
        if args.what in ("all", "candidate"):
            private = Path(tempfile.mkdtemp(prefix="crosscheck-candidate-"))  # mode 700: personal data
            try:
                pages = candidate_pages(args.warehouse, private)
                args.out.mkdir(parents=True, exist_ok=True)
                for locale, html in pages.items():
                    out = args.out / CANDIDATE[locale]
                    shoot(chromium, html, out, args.width, args.height)
                    print(f"screenshots: {out} ({args.width}x{args.height}, {out.stat().st_size // 1024} KiB), "
                          f"the HR page's candidate page in {locale}")
            finally:
                shutil.rmtree(private, ignore_errors=True)
    except Failure as exc:
        print(f"screenshots: error: {exc}", file=sys.stderr)
        return exc.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
