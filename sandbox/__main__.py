"""``python -m sandbox``: write a generated world, or serve one as every source's API on 127.0.0.1.

Workshop, not product: the demo and the tests use it; a deployment never does. Exit status 0 done,
2 the command could not start (a bad option, world or output path).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from include.cli import HelpFormatter, _sub
from include.cli_checks import UsageError, check_out_path, echo, parse_day, write_private
from sandbox import DEMO_WORLD


def check_world(world: str | Path, need_labels: bool = True) -> Path:
    """A world folder: ``world.json`` (the candidates) and, for scoring, ``labels.csv`` (what was planted)."""
    folder = Path(world)
    for name in ("world.json", "labels.csv") if need_labels else ("world.json",):
        if not (folder / name).is_file():
            raise UsageError(f"--world {world}: no {name} there (a world is written by `python -m sandbox generate`)")
    return folder


def cmd_generate(args: argparse.Namespace) -> int:
    from sandbox.generator import generate

    day = parse_day(args.report_day, "--report-day")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {echo(args.out)}: a file, not a folder")
    ancestor = next((p for p in out.absolute().parents if p.exists()), Path("/"))
    if not out.exists() and not ancestor.is_dir():
        raise UsageError(f"--out {echo(args.out)}: {echo(str(ancestor))} is a file, not a folder")
    try:
        generate(args.seed, out, n_candidates=args.candidates, report_day=day.isoformat(), vocabulary=args.vocabulary)
    except OSError as exc:
        raise UsageError(f"--out {echo(args.out)}: cannot write the world there: "
                         f"{(exc.strerror or str(exc)).lower()}") from None
    print(f"world written to {args.out} ({args.vocabulary} vocabulary)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from sandbox.server import Faults, serve

    check_world(args.world, need_labels=False)
    if args.env_file:
        check_out_path(args.env_file, "--env-file")
    try:
        faults = {k: Faults(**v) for k, v in json.loads(args.faults).items()} if args.faults else None
    except (ValueError, TypeError, AttributeError) as exc:
        raise UsageError(f"--faults: {str(exc).splitlines()[0]} (e.g. {{\"*\": {{\"rate_limit_every\": 5}}}})") from None
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: a port is 0 (any free one) to 65535")
    try:
        sb = serve(Path(args.world), args.host, args.port, faults)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    env = {f"AIRFLOW_CONN_{k.upper()}": json.dumps(v) for k, v in sb.connections().items()}
    if args.env_file:
        try:
            write_private(args.env_file, "".join(f"export {k}='{v}'\n" for k, v in env.items()))
        except UsageError:
            sb.stop()
            raise
    print(f"sandbox serving {args.world} at {sb.url}" + (f"; connections in {args.env_file}" if args.env_file else ""),
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sb.stop()
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sandbox", description=(__doc__ or "").replace("``", ""),
                                formatter_class=HelpFormatter)
    sv = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    sg = _sub(sv, "generate", "write a world (candidates, registries, labels)",
              "Generate a world: candidates with planted discrepancies, registries, profiles, reviews, "
              "and labels.csv.")
    sg.add_argument("--seed", type=int, default=42, help="random seed: the same seed and day give the same world")
    sg.add_argument("--out", default=".var/world", metavar="DIR", help="folder to write world.json and labels.csv to")
    sg.add_argument("--candidates", type=int, default=400, help="number of candidates")
    sg.add_argument("--report-day", default="2026-11-21", metavar="YYYY-MM-DD", help="the day the world is made for")
    sg.add_argument("--vocabulary", choices=("default", "holdout"), default="default",
                    help="name pools: default (the demo worlds) or holdout (pools the engine was never tuned on)")
    sg.set_defaults(func=cmd_generate)
    ss = _sub(sv, "serve", "serve a world as every source's API",
              "Serve a world as every source's API until interrupted.")
    ss.add_argument("--world", default=str(DEMO_WORLD), metavar="DIR", help="a folder written by `generate`")
    ss.add_argument("--host", default="127.0.0.1", help="address to listen on")
    ss.add_argument("--port", type=int, default=8765, help="port to listen on (0: any free port)")
    ss.add_argument("--faults", metavar="JSON", help='faults per source, e.g. {"*": {"rate_limit_every": 5}}')
    ss.add_argument("--env-file", metavar="FILE", help="write the AIRFLOW_CONN_* exports for the sandbox here (mode 600)")
    ss.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"sandbox: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
