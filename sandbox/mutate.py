"""The next day of a sandbox world: a share of its applications new or changed, for daily-run benchmarks.

A world written by the generator holds one day. ``bench/daily_bench.py`` needs the day after: the same
history, plus a few applications that arrived or changed that day, served so that the ATSs' incremental
filters (Greenhouse's ``updated_at=gte|…``, Lever's ``updated_at_start``) return exactly those. Two steps:

1. ``hold_back(world_dir, n, seed)`` moves ``n`` of a generated world's candidates out of ``world.json``
   into ``held_back.json`` (and their rows out of ``labels.csv``). Generate ``N + n`` candidates and hold
   ``n`` back: day 1 then serves ``N``, and the ``n`` arrive on day 2 as whole, coherent candidates
   (their employers are in the registries, their ORCID and GitHub profiles are served from day 1 on,
   linked by nobody until they arrive).
2. ``advance_world(world_dir, out_dir, fraction, seed, day)`` writes the world of ``day``: a
   ``fraction`` of the world's applications (at least one) new or changed, stamped within ``day``. The
   new ones are the held-back candidates (as many as there are, up to half the share); the rest are
   existing candidates, changed in turn in one of three ways:

   - ``stage``: only ``updated_at`` moves. The recruiting process is derived from it
     (``sandbox/gen/process.py``), so the application moves on (new stages, interviews, offers).
   - ``contact``: a new e-mail address (``updated_at`` moves too).
   - ``resume``: a new current job (the resume was re-uploaded): the current job ends the month
     before ``day`` and a job at an employer another candidate lists starts that month.

Everything else (registries, profiles, reviews, jobs) is as it was. ``labels.csv`` of the new world
keeps only the untouched candidates' rows: a changed or newly arrived candidate's labels were worked
out for the old dates and may no longer hold (``changes.json`` lists who changed and how).

    python -m sandbox.mutate --world DIR --out DIR2 [--fraction 0.01] [--seed 7] [--day YYYY-MM-DD]

Workshop code: the product never imports it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HELD_BACK = "held_back.json"
CHANGES = "changes.json"
CHANGE_KINDS = ("stage", "contact", "resume")


def _read(world_dir: Path) -> tuple[dict[str, Any], list[dict[str, str]]]:
    data = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))
    labels_path = world_dir / "labels.csv"
    labels = list(csv.DictReader(labels_path.open(encoding="utf-8"))) if labels_path.exists() else []
    return data, labels


def _write(out_dir: Path, data: dict[str, Any], labels: list[dict[str, str]]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "world.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["candidate_id", "kind", "note"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(labels)
    (out_dir / "labels.csv").write_text(buf.getvalue(), encoding="utf-8")


def _key(c: dict[str, Any]) -> str:
    return f"{c['ats']}:{c['id']}"  # labels.csv's candidate_id


def hold_back(world_dir: Path | str, n: int, seed: int = 7) -> int:
    """Move ``n`` randomly chosen candidates of ``world_dir`` into its ``held_back.json``; returns how many
    candidates ``world.json`` keeps. Refuses a world that already has held-back candidates."""
    world_dir = Path(world_dir)
    if (world_dir / HELD_BACK).exists():
        raise ValueError(f"{world_dir}: candidates were already held back ({HELD_BACK})")
    data, labels = _read(world_dir)
    candidates = data["candidates"]
    if not 0 <= n < len(candidates):
        raise ValueError(f"cannot hold back {n} of {len(candidates)} candidates (keep at least one)")
    chosen = set(random.Random(seed).sample(range(len(candidates)), n))
    held = [c for i, c in enumerate(candidates) if i in chosen]
    data["candidates"] = [c for i, c in enumerate(candidates) if i not in chosen]
    gone = {_key(c) for c in held}
    (world_dir / HELD_BACK).write_text(json.dumps(held, ensure_ascii=False) + "\n", encoding="utf-8")
    _write(world_dir, data, [row for row in labels if row["candidate_id"] not in gone])
    return len(data["candidates"])


def _stamp(rng: random.Random, day: date, after: datetime | None = None) -> str:
    """A moment within ``day`` (UTC, before 20:00), later than ``after`` when that falls on ``day``."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    low = max(0, int((after - start).total_seconds()) + 60) if after and after >= start else 0
    at = start + timedelta(seconds=rng.randint(low, max(low, 20 * 3600)))
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _change(c: dict[str, Any], how: str, rng: random.Random, day: date, employers: list[str]) -> None:
    c["updated_at"] = _stamp(rng, day)
    if how == "contact":
        local = f"{c['first_name']}.{c['last_name']}".lower().replace(" ", "")
        c["emails"] = [f"{local}.{day:%m%d}@example.org", *c.get("emails", [])]
    elif how == "resume":
        month = (day.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        jobs = c.setdefault("employments", [])
        current = next((j for j in jobs if j.get("end") is None), None)
        title = current["title"] if current else "Engineer"
        if current is not None:  # a job started this very month ends with it (never before its start)
            current["end"] = max(month, str(current.get("start") or month))
        jobs.insert(0, {"id": str(rng.randrange(10**8, 10**9)), "company_name": rng.choice(employers),
                        "title": title, "start": day.strftime("%Y-%m"), "end": None,
                        "employment_type": "full_time"})


def advance_world(world_dir: Path | str, out_dir: Path | str, fraction: float = 0.01, seed: int = 7,
                  day: date | str | None = None) -> dict[str, int]:
    """Write the world of ``day`` (default: the day after the world's ``generated_for_day``) to
    ``out_dir``: ``fraction`` of the applications new or changed, stamped within ``day``. Returns how
    many candidates arrived (``new``), changed in each way, and the total (``candidates``)."""
    world_dir, out_dir = Path(world_dir), Path(out_dir)
    if out_dir.resolve() == world_dir.resolve():
        raise ValueError("advance_world writes a new world: --out must differ from --world")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction {fraction}: a share of the applications, above 0 and at most 1")
    data, labels = _read(world_dir)
    old_day = date.fromisoformat(data["generated_for_day"])
    new_day = date.fromisoformat(day) if isinstance(day, str) else day or old_day + timedelta(days=1)
    if new_day <= old_day:
        raise ValueError(f"day {new_day}: the world is already of {old_day}; its next day comes after it")
    rng = random.Random(f"{seed}:{new_day}")
    candidates = data["candidates"]
    share = max(1, round(len(candidates) * fraction))
    held_path = world_dir / HELD_BACK
    held = json.loads(held_path.read_text(encoding="utf-8")) if held_path.exists() else []
    arriving = held[: min(len(held), share // 2)]
    changed_idx = rng.sample(range(len(candidates)), min(len(candidates), share - len(arriving)))
    employers = sorted({j["company_name"] for c in candidates for j in c.get("employments", [])[:1]})
    counts = {"new": len(arriving), **{k: 0 for k in CHANGE_KINDS}}
    touched: dict[str, str] = {}
    for n, i in enumerate(changed_idx):
        how = CHANGE_KINDS[n % len(CHANGE_KINDS)]
        _change(candidates[i], how, rng, new_day, employers)
        counts[how] += 1
        touched[_key(candidates[i])] = how
    for c in arriving:
        c["created_at"] = _stamp(rng, new_day)
        c["updated_at"] = _stamp(rng, new_day, after=_ts(c["created_at"]))
        touched[_key(c)] = "new"
    data["candidates"] = candidates + arriving
    data["generated_for_day"] = new_day.isoformat()
    _write(out_dir, data, [row for row in labels if row["candidate_id"] not in touched])
    if len(held) > len(arriving):
        (out_dir / HELD_BACK).write_text(json.dumps(held[len(arriving):], ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / CHANGES).write_text(json.dumps(touched, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for extra in ("names.csv",):  # names written in a real-world class: unchanged by a day's changes
        if (world_dir / extra).exists():
            (out_dir / extra).write_bytes((world_dir / extra).read_bytes())
    return {**counts, "candidates": len(touched)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sandbox.mutate", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--world", required=True, help="a world folder (world.json; held_back.json if any)")
    ap.add_argument("--out", required=True, help="folder to write the next day's world to")
    ap.add_argument("--fraction", type=float, default=0.01, help="share of the applications new or changed")
    ap.add_argument("--seed", type=int, default=7, help="which candidates change, and how")
    ap.add_argument("--day", help="YYYY-MM-DD (default: the day after the world's generated_for_day)")
    args = ap.parse_args(argv)
    try:
        counts = advance_world(args.world, args.out, args.fraction, args.seed, args.day)
    except (ValueError, OSError) as exc:
        ap.error(str(exc))
    print(f"world written to {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
