"""A ``Person`` written out in the shapes of sandbox/WORLD.md (ATS record, ORCID, GitHub, CSV)."""

from __future__ import annotations

import csv
import html
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sandbox.gen import words as W
from sandbox.gen.ids import ascii_fold, day_between, linkedin_month, new_orcid, timestamp, ym, ymd
from sandbox.gen.model import Interval, Person, ProfileJob

POSITIONS_HEADER = ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"]
COUNTRY_NAMES = {"GB": "United Kingdom", "CN": "China", "JP": "Japan", "DE": "Germany", "FR": "France",
                 "US": "United States", "NL": "Netherlands", "IE": "Ireland", "IN": "India",
                 "HK": "Hong Kong", "TW": "Taiwan"}
_LINES = {
    "sw": ["Built and ran backend services in Python & Go.", "Moved CI/CD to containers & cut build times by 40%.",
           "Led the migration of the fleet-management API to event sourcing.", "Mentored two junior engineers.",
           "On-call for the telemetry platform (99.95% uptime)."],
    "hw": ["Designed motor-control boards & bring-up test rigs.", "Owned the gripper redesign from CAD to pilot run.",
           "Ran EMC pre-compliance testing <30 MHz.", "Worked with suppliers in Shenzhen & Suzhou on DFM."],
    "data": ["Built demand-forecasting models (gradient boosting & Bayesian).", "Cut model training cost by half.",
             "Ran A/B tests for the pricing team."],
    "pm": ["Owned the roadmap for the warehouse robotics product.", "Ran quarterly planning across 4 teams.",
           "Delivered the ERP roll-out on time & on budget."],
    "biz": ["Grew EMEA accounts by 30% year on year.", "Managed budgets & forecasting for R&D.",
            "Set up the partner programme."],
    "design": ["Led user research & usability testing.", "Built the design system used by 6 product teams."],
    "research": ["Published on SLAM & sensor fusion.", "Supervised MSc projects.", "Ran the robot-learning lab."],
    "side": ["Advising an early-stage start-up on architecture.", "Mentoring engineers one evening a week."],
}


@dataclass
class Ids:
    """Unique identifiers and contact details for one world."""

    rng: random.Random
    used: set[str] = field(default_factory=set)
    phones: int = 0
    put_code: int = 100000
    github_id: int = 1000

    def number(self, lo: int, hi: int) -> str:
        while True:
            value = str(self.rng.randint(lo, hi))
            if value not in self.used:
                self.used.add(value)
                return value

    def phone(self) -> str:
        """Numbers from the UK ranges reserved for drama (never allocated to a real line)."""
        i, self.phones = self.phones, self.phones + 1
        if i < 1000:
            return f"+44 7700 900{i:03d}"
        if i < 2000:
            return f"+44 113 496 0{i - 1000:03d}"
        return f"+44 20 7946 0{i - 2000:03d}"

    def handle(self, base: str) -> str:
        base = "".join(ch for ch in ascii_fold(base).lower() if ch.isalnum() or ch in ".-")
        value, n = base, 1
        while value in self.used:
            n += 1
            value = f"{base}{n}"
        self.used.add(value)
        return value


def _when(iv: Interval) -> str:
    return linkedin_month(iv[0]) if iv[0] == iv[1] else str(iv[0] // 12)


def positions_csv(p: Person, rows: list[ProfileJob], r: random.Random, group: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(POSITIONS_HEADER)
    for pj in sorted(rows, key=lambda x: -(x.start or (0, 0))[0]):
        lines = _LINES["side" if pj.title and pj.title.track == "side" else group]
        roll = r.random()
        if roll < 0.4:
            desc = ""
        elif roll < 0.75:
            desc = r.choice(lines)
        else:
            desc = "\n".join(r.sample(lines, k=min(len(lines), r.randint(2, 3))))
        c = pj.company
        city, country = (c.city, COUNTRY_NAMES[c.country]) if c else (r.choice(W.UK_CITIES)[0], "United Kingdom")
        location = f"{city}, England, {country}" if country == "United Kingdom" and r.random() < 0.5 else f"{city}, {country}"
        assert pj.start is not None
        writer.writerow([html.escape(pj.name, quote=False), html.escape(pj.title_text or "", quote=False),
                         html.escape(desc, quote=False), location if r.random() < 0.8 else "",
                         _when(pj.start), "" if pj.end is None else _when(pj.end)])
    return buf.getvalue()


def _orcid_date(iv: Interval, day: int | None) -> dict[str, str | None]:
    if iv[0] != iv[1]:
        return {"year": str(iv[0] // 12), "month": None, "day": None}
    return {"year": str(iv[0] // 12), "month": f"{iv[0] % 12 + 1:02d}", "day": f"{day:02d}" if day else None}


def orcid_record(p: Person, ids: Ids, r: random.Random) -> dict[str, Any]:
    out = []
    for pj in sorted(p.orcid or [], key=lambda x: -(x.start or (0, 0))[0]):
        c = pj.company
        assert c is not None and pj.start is not None
        ids.put_code += r.randint(1, 900)
        with_day = r.random() < 0.2
        out.append({"put_code": ids.put_code,
                    "organization": {"name": pj.name, "address": {"city": c.city, "region": None, "country": c.country}},
                    "department_name": r.choice([None, None, "Engineering", "R&D", "Research"]),
                    "role_title": pj.title_text,
                    "start_date": _orcid_date(pj.start, r.randint(1, 28) if with_day else None),
                    "end_date": None if pj.end is None else _orcid_date(pj.end, r.randint(1, 28) if with_day else None)})
    return {"given_names": p.first, "family_name": p.last, "employments": out}


def github_record(p: Person, ids: Ids, r: random.Random, day: date) -> dict[str, Any]:
    ids.github_id += r.randint(1, 5000)
    created = day_between(r, date(2010, 1, 1), day - timedelta(days=400))
    updated = day_between(r, max(created, day - timedelta(days=700)), day)
    city = p.jobs[-1].company.city if p.jobs[-1].company else "London"
    return {"id": ids.github_id, "login": p.github_login, "name": f"{p.first} {p.last}",
            "company": p.github.name if p.github else None, "blog": "", "location": city if r.random() < 0.7 else None,
            "email": None, "bio": r.choice([None, None, "Robots, embedded Rust and coffee.", "Engineer. Views my own."]),
            "created_at": timestamp(created, r), "updated_at": timestamp(updated, r),
            "public_repos": r.randint(0, 80)}


def candidate_record(p: Person, ids: Ids, r: random.Random, day: date, group: str) -> dict[str, Any]:
    first, last = ascii_fold(p.first).lower(), ascii_fold(p.last).lower()
    email = ids.handle(f"{first}.{last}") + r.choice(["@example.net", "@example.com"])
    created = day_between(r, day - timedelta(days=730), day - timedelta(days=1))
    updated = min(day, created + timedelta(days=r.randint(0, 120)))

    def when(m: int | None) -> str | None:
        if m is None:
            return None
        return ymd(m, r.randint(1, 28)) if p.day_precision else ym(m)

    employments = [{"id": ids.number(10**8, 10**9 - 1), "company_name": j.name, "title": j.title_text,
                    "start": when(j.start), "end": when(j.end), "employment_type": j.etype}
                   for j in sorted(p.jobs, key=lambda j: -j.start)]
    educations = [{"id": ids.number(10**8, 10**9 - 1), "school_name": e.school, "degree": e.degree,
                   "discipline": e.discipline, "start": str(e.start // 12) if e.year_only else ym(e.start),
                   "end": str(e.end // 12) if e.year_only else ym(e.end)}
                  for e in sorted(p.educations, key=lambda e: -e.start)]
    slug = ids.handle(f"{first}-{last}") if p.linkedin_url else None
    return {
        "ats": p.ats, "id": p.id, "application_id": p.application_id, "job_id": p.job_id,
        "first_name": p.first, "last_name": p.last, "emails": [email], "phones": [ids.phone()],
        "created_at": timestamp(created, r), "updated_at": timestamp(updated, r), "consent": p.consent,
        "employments": employments, "educations": educations,
        "links": {"orcid": p.orcid_id, "github": p.github_login,
                  "linkedin": f"https://www.linkedin.com/in/{slug}" if slug else None},
        "linkedin_positions_csv": positions_csv(p, p.linkedin, r, group) if p.linkedin else None,
    }


def assign_profile_ids(p: Person, ids: Ids, r: random.Random) -> None:
    if p.orcid is not None:
        while True:
            p.orcid_id = new_orcid(r)
            if p.orcid_id not in ids.used:
                ids.used.add(p.orcid_id)
                break
    if p.github_login:
        first, last = ascii_fold(p.first).lower(), ascii_fold(p.last).lower()
        p.github_login = ids.handle(r.choice([f"{first[0]}{last}", f"{first}{last}", f"{first}-{last}"]))
