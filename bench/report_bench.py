"""The daily report at scale (a script, not a test).

    .venv/bin/python bench/report_bench.py [--candidates 100000] [--changed 0.01] [--keep DIR] [--legacy]

Fills a temporary DuckDB warehouse with N candidates, their applications, findings and levels
(``sandbox/report_state.py``), then builds the report in a child process and prints, per build: wall
time, the child's peak RSS, the number of HTML and CSV files, the largest HTML file, the day report, the
largest CSV file, the day's CSV, and the largest file of all (the issue's bound: 5 MB at 100k candidates).

* ``site``: the pipeline's build (``include.report.site.build_site``): the day report and the day's CSV,
  one page per requisition of 100 candidates with the CSV of that page's findings beside it; both locales.
* ``day 2``: the next day on the same warehouse (``report_state.next_day``): the findings of a share
  ``--changed`` of the candidates re-read, nothing else; built into the same reports folder, so that the
  pages whose digest did not change are hard-linked from day 1. Prints the pages rendered and linked.
* ``--keep DIR`` keeps the warehouses (``DIR/wh.duckdb`` as filled, day 1; ``DIR/wh-day2.duckdb``) and the
  reports (``DIR/site``) in ``DIR``, e.g. to profile a build on them.
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
    from sandbox.report_state import DAY, NEXT_DAY, NEXT_RUN, RUN

    cfg = load_config(DEMO_CONFIG).model_copy(update={"data_dir": out})
    wh = connect({"conn_type": "duckdb", "host": db})
    t = time.perf_counter()
    day, pages = DAY, {"rendered": 0, "linked": 0}
    if mode in ("site", "day2"):
        from include.report.site import build_site

        day, run = (DAY, RUN) if mode == "site" else (NEXT_DAY, NEXT_RUN)
        site = build_site(wh, day, run, cfg, Path(out) / "reports", ["en", "zh_CN"])
        pages = {"rendered": sum(s.rendered for s in site.values()), "linked": sum(s.linked for s in site.values())}
    else:
        from include.report.data import load_report_data
        from include.report.render import build_report

        data = load_report_data(wh, DAY, RUN, cfg)
        for locale in ("en", "zh_CN"):
            build_report(data, Path(out) / "reports", locale)
    wall = time.perf_counter() - t
    wh.close()
    mine = f"report-{day.isoformat()}-"  # this build's day (day 2 writes beside day 1)
    html = [p for p in (Path(out) / "reports").rglob("*.html") if mine in str(p) and p.name != "index.html"]
    csvs = [p for p in (Path(out) / "reports").rglob("*.csv") if mine in str(p)]
    top = [p for p in csvs if p.parent.name == "reports"]  # the day's CSV (legacy: the export of everything)
    largest = max([*html, *csvs], key=lambda p: p.stat().st_size)
    print(json.dumps({
        "mode": mode, "wall_s": round(wall, 1), **pages,
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
    ap.add_argument("--changed", type=float, default=0.01,
                    help="day 2: the share of candidates whose findings are re-read (default 0.01)")
    ap.add_argument("--keep", metavar="DIR", help="keep the warehouses (DIR/wh.duckdb, DIR/wh-day2.duckdb) and reports")
    ap.add_argument("--child", nargs=3, metavar=("DB", "OUT", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    import random
    import shutil

    from include.warehouse import connect
    from sandbox.report_state import fill, next_day

    with tempfile.TemporaryDirectory(prefix="report-bench-") as scratch:
        tmp = Path(args.keep) if args.keep else Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        db = str(tmp / "wh.duckdb")
        t = time.perf_counter()
        wh = connect({"conn_type": "duckdb", "host": db})
        wh.migrate()
        size = fill(wh, args.candidates)
        wh.close()
        print(f"state: {size.candidates:,} candidates, {size.findings:,} findings, {size.requisitions:,} "
              f"requisitions (largest {size.biggest_requisition:,} candidates); filled in "
              f"{time.perf_counter() - t:.0f} s")
        day2_db = str(tmp / "wh-day2.duckdb")
        shutil.copyfile(db, day2_db)
        modes = ["site", "day2", "legacy"] if args.legacy else ["site", "day2"]
        for mode in modes:
            if mode == "day2":  # the next day on a copy (the kept warehouse stays as filled)
                wh = connect({"conn_type": "duckdb", "host": day2_db})
                ids = sorted(r["candidate_id"] for r in wh.query("SELECT candidate_id FROM candidates"))
                changed = random.Random(7).sample(ids, round(len(ids) * args.changed))
                found = next_day(wh, changed)
                wh.close()
                print(f"day 2: the findings of {len(changed):,} candidates re-read ({len(found):,} findings)")
            out = tmp / ("site" if mode == "day2" else mode)
            run = subprocess.run([sys.executable, __file__, "--child", day2_db if mode == "day2" else db, str(out),
                                  mode], capture_output=True, text=True, check=False)
            if run.returncode:
                print(f"{mode}: failed\n{run.stderr[-2000:]}")
                continue
            r = json.loads(run.stdout.strip().splitlines()[-1])
            pages = f"  pages rendered {r['rendered']:,} linked {r['linked']:,}" if mode != "legacy" else ""
            print(f"{mode:6}  wall {r['wall_s']} s{pages}  peak RSS {r['peak_rss_mib']} MiB  HTML files "
                  f"{r['html_files']:,}  CSV files {r['csv_files']:,}  largest HTML {r['largest_html_mb']} MB  day "
                  f"report {r['day_report_mb']} MB  largest CSV {r['largest_csv_mb']} MB  day CSV {r['day_csv_mb']} MB  "
                  f"largest file {r['largest_file_mb']} MB ({r['largest_file']})")


if __name__ == "__main__":
    main()
