"""Employee reviews (the review feed of docs/CONTRACT.md) and the hiring company's open requisitions."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sandbox.gen import words as W
from sandbox.gen.companies import Company, Registry
from sandbox.gen.ids import day_between, rand_uuid, timestamp
from sandbox.gen.titles import TRACKS

TOPIC_TITLES = {"overtime": ("Burnout factory", "加班太多"), "unpaid_wages": ("Late and missing pay", "拖欠工资"),
                "layoffs": ("Layoffs without warning", "裁员"), "management": ("Chaotic management", "管理混乱"),
                "culture": ("Toxic culture", "文化压抑"), "pay": ("Underpaid for the work", "薪资太低")}
REQUISITIONS = [("Senior Robotics Engineer", "R&D"), ("Embedded Software Engineer", "Engineering"),
                ("Mechanical Design Engineer", "Engineering"), ("Machine Learning Engineer", "R&D"),
                ("Product Manager, Autonomy", "Product"), ("Test Engineer", "Quality"),
                ("Field Service Engineer", "Operations"), ("Head of Manufacturing", "Manufacturing"),
                ("Data Scientist", "R&D"), ("Firmware Engineer", "Engineering"),
                ("Senior Hardware Engineer", "Engineering"), ("Technical Program Manager", "Product"),
                ("Perception Engineer", "R&D"), ("Sales Director, EMEA", "Sales"), ("Controls Engineer", "Engineering"),
                ("Finance Business Partner", "Finance")]


def requisitions(rng: random.Random, day: date, per_ats: int = 8) -> list[dict[str, Any]]:
    reqs = list(REQUISITIONS)
    rng.shuffle(reqs)
    out = []
    used: set[str] = set()
    for i, (name, dept) in enumerate(reqs[: 2 * per_ats]):
        ats = "greenhouse" if i < per_ats else "lever"
        if ats == "greenhouse":
            job_id = str(rng.randint(4000000, 4999999))
            while job_id in used:
                job_id = str(rng.randint(4000000, 4999999))
            used.add(job_id)
        else:
            job_id = rand_uuid(rng)
        created = day_between(rng, day - timedelta(days=780), day - timedelta(days=731))
        updated = day_between(rng, created, day)
        out.append({"ats": ats, "id": job_id, "name": name, "department": dept,
                    "created_at": timestamp(created, rng), "updated_at": timestamp(updated, rng)})
    return out


def _review(rng: random.Random, n: int, c: Company, employer: str, when: date, rating: int, zh: bool,
            topics: list[str] | None = None) -> dict[str, Any]:
    if rating <= 2:
        topics = topics or rng.sample(sorted(W.REVIEW_TOPICS), k=rng.choice([1, 1, 2]))
        title = TOPIC_TITLES[topics[0]][1 if zh else 0]
        cons = " ".join(W.REVIEW_TOPICS[t][1 if zh else 0] for t in topics)
        advice: str | None = "请重视员工的意见。" if zh else rng.choice(["Listen to the engineers.", "Pay people on time.",
                                                              "Plan releases so weekends stay free."])
    else:
        title = ("还不错" if zh else rng.choice(["Good place to build robots", "Solid team", "Mixed bag but improving"]))
        cons = "晋升慢。" if zh else rng.choice(["Parking is limited.", "Some legacy tooling.", "Slow promotions."])
        advice = None if rng.random() < 0.5 else ("继续保持。" if zh else "Keep investing in people.")
    pros = rng.choice(W.REVIEW_PROS_ZH if zh else W.REVIEW_PROS)
    track = rng.choice(sorted(TRACKS))
    job_title = rng.choice([t for t in TRACKS[track].values()])
    return {"review_id": f"r{n:06d}", "employer": employer, "date": when.isoformat(), "rating": rating,
            "title": title, "pros": pros, "cons": cons, "advice_to_management": advice, "job_title": job_title,
            "location": c.city, "employment_status": rng.choice(["current", "former"])}


def reviews(rng: random.Random, reg: Registry, employers: list[Company], day: date) -> list[dict[str, Any]]:
    """~200 reviews over two years; new negative ones of the hiring company in the last week."""
    hq = next(c for c in reg.companies if c.hiring)
    out: list[dict[str, Any]] = []
    old = (day - timedelta(days=730), day - timedelta(days=8))
    for _ in range(50):
        rating = rng.choices([1, 2, 3, 4, 5], weights=[12, 18, 20, 30, 20])[0]
        out.append(_review(rng, len(out) + 1, hq, "Example Robotics Ltd", day_between(rng, *old), rating,
                           rng.random() < 0.15))
    for _ in range(6):
        out.append(_review(rng, len(out) + 1, hq, "Example Robotics Ltd",
                           day_between(rng, day - timedelta(days=6), day), rng.choice([1, 1, 2]), rng.random() < 0.3))
    for c in employers[:28]:
        zh = c.country == "CN"
        name = (c.native if rng.random() < 0.6 else c.display) if c.native else rng.choice([c.display, c.core])
        for _ in range(rng.randint(3, 7)):
            rating = rng.choices([1, 2, 3, 4, 5], weights=[10, 15, 25, 30, 20])[0]
            out.append(_review(rng, len(out) + 1, c, name, day_between(rng, *old), rating, zh and rng.random() < 0.8))
    for topic in sorted(W.REVIEW_TOPICS):  # every topic in both languages at least once
        for zh, text in ((False, W.REVIEW_TOPICS[topic][0]), (True, W.REVIEW_TOPICS[topic][1])):
            if not any(text in r["cons"] for r in out):
                out.append(_review(rng, len(out) + 1, hq, "Example Robotics Ltd", day_between(rng, *old),
                                   rng.choice([1, 2]), zh, [topic]))
    out.sort(key=lambda x: (x["date"], x["review_id"]))
    return out
