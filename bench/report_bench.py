"""The daily report at scale (a script, not a test).

    .venv/bin/python bench/report_bench.py [--candidates 100000] [--legacy]

Fills a temporary DuckDB warehouse with N candidates, their applications, findings and levels
(``sandbox/report_state.py``), then builds the report in a child process and prints, per build: wall
time, the child's peak RSS, the number of HTML and CSV files, the largest HTML file, the day report, the
largest CSV file, the day's CSV, and the largest file of all (the issue's bound: 5 MB at 100k candidates).

* ``site``: the pipeline's build (``include.report.site.build_site``): the day report and the day's CSV,
  one page per requisition of 100 candidates with the CSV of that page's findings beside it; both locales.
* ``--legacy`` adds the build before the site: the whole state loaded into one ``ReportData``
  (``load_report_data``) and written as one HTML file and one CSV per locale.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MB = 1024 * 1024


def child(db: str, out: str, mode: str) -> None:
    from include.config import load_config
    from include.warehouse import connect
    from sandbox import DEMO_CONFIG
    from sandbox.report_state import DAY, RUN

    cfg = load_config(DEMO_CONFIG).model_copy(update={"data_dir": out})
    wh = connect({"conn_type": "duckdb", "host": db})
    t = time.perf_counter()
    if mode == "site":
        from include.report.site import build_site

        build_site(wh, DAY, RUN, cfg, Path(out) / "reports", ["en", "zh_CN"])
    else:
        from include.report.data import load_report_data
        from include.report.render import build_report

        data = load_report_data(wh, DAY, RUN, cfg)
        for locale in ("en", "zh_CN"):
            build_report(data, Path(out) / "reports", locale)
    wall = time.perf_counter() - t
    wh.close()
    html = [p for p in (Path(out) / "reports").rglob("*.html")]
    csvs = [p for p in (Path(out) / "reports").rglob("*.csv")]
    top = [p for p in csvs if p.parent.name == "reports"]  # the day's CSV (legacy: the export of everything)
    largest = max([*html, *csvs], key=lambda p: p.stat().st_size)
    print(json.dumps({
        "mode": mode, "wall_s": round(wall, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "html_files": len(html), "csv_files": len(csvs),
        "largest_html_mb": round(max(p.stat().st_size for p in html) / MB, 2),
        "day_report_mb": round(max((p.stat().st_size for p in html if p.parent.name == "reports"), default=0) / MB, 2),
        "largest_csv_mb": round(max(p.stat().st_size for p in csvs) / MB, 2),
        "day_csv_mb": round(max((p.stat().st_size for p in top), default=0) / MB, 2),
        "largest_file": str(largest.relative_to(Path(out) / "reports")),
        "largest_file_mb": round(largest.stat().st_size / MB, 2),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--candidates", type=int, default=100_000)
    ap.add_argument("--legacy", action="store_true", help="also build the one-file report of before")
    ap.add_argument("--child", nargs=3, metavar=("DB", "OUT", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from include.warehouse import connect
    from sandbox.report_state import fill

    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        db = str(Path(tmp) / "wh.duckdb")
        t = time.perf_counter()
        wh = connect({"conn_type": "duckdb", "host": db})
        wh.migrate()
        size = fill(wh, args.candidates)
        wh.close()
        print(f"state: {size.candidates:,} candidates, {size.findings:,} findings, {size.requisitions:,} "
              f"requisitions (largest {size.biggest_requisition:,} candidates); filled in "
              f"{time.perf_counter() - t:.0f} s")
        for mode in ["site", "legacy"] if args.legacy else ["site"]:
            out = Path(tmp) / mode
            run = subprocess.run([sys.executable, __file__, "--child", db, str(out), mode],
                                 capture_output=True, text=True, check=False)
            if run.returncode:
                print(f"{mode}: failed\n{run.stderr[-2000:]}")
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{mode:6}  wall {r['wall_s']} s  peak RSS {r['peak_rss_mib']} MiB  HTML files {r['html_files']:,}  "
                  f"CSV files {r['csv_files']:,}  largest HTML {r['largest_html_mb']} MB  day report "
                  f"{r['day_report_mb']} MB  largest CSV {r['largest_csv_mb']} MB  day CSV {r['day_csv_mb']} MB  "
                  f"largest file {r['largest_file_mb']} MB ({r['largest_file']})")


if __name__ == "__main__":
    main()
