"""``python -m evaluation``: precision and recall per finding kind of the warehouse's latest run against
the planted labels of the sandbox world it was built from.

Workshop, not product. Exit status 0 scored; 1 the latest run failed, the world's candidates are not the
warehouse's, or a kind scores below --min; 2 the command could not start (no world, no warehouse).
"""

from __future__ import annotations

import argparse
import sys

from include.cli import HelpFormatter
from include.cli_checks import UsageError, open_warehouse
from include.config import ConfigError
from sandbox import DEMO_WORLD
from sandbox.__main__ import check_world


def build_parser() -> argparse.ArgumentParser:
    e = argparse.ArgumentParser(prog="python -m evaluation", description=(__doc__ or "").replace("``", ""),
                                formatter_class=HelpFormatter)
    e.add_argument("--world", default=str(DEMO_WORLD), metavar="DIR", help="the world the warehouse was built from")
    e.add_argument("--min", type=float, default=0.0, help="exit 1 if any kind's precision or recall is below this")
    return e


def main(argv: list[str] | None = None) -> int:
    from evaluation.warehouse import MalformedWorld, NotComparable, check_world_files, evaluate_warehouse

    args = build_parser().parse_args(argv)
    try:
        world = check_world(args.world)
        check_world_files(world)
        wh = open_warehouse(migrate=False)
    except (UsageError, ConfigError, MalformedWorld) as exc:
        print(f"evaluation: error: {exc}", file=sys.stderr)
        return 2
    try:
        ok = evaluate_warehouse(wh, world, min_score=args.min)
    except NotComparable as exc:
        print(f"evaluation: {exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
