"""The generator's own view of a candidate: every job knows which company it really is.

These objects never reach world.json as such; ``sandbox.gen.render`` turns them into the
shapes of WORLD.md, and ``sandbox.gen.truth`` labels them from this ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.gen.companies import Company
from sandbox.gen.titles import Title

Interval = tuple[int, int]  # (first month, last month) a written date can mean


@dataclass
class ResumeJob:
    company: Company | None  # None: fabricated, no registry knows it
    name: str  # as written on the resume
    title: Title
    title_text: str
    start: int  # month
    end: int | None  # month; None = current
    etype: str = "full_time"
    role: str = ""  # what a plant did to this job, for the labels' notes

    @property
    def ident(self) -> str:
        return self.company.family if self.company else f"fab:{self.name}"


@dataclass
class ProfileJob:
    source: str  # linkedin | orcid | github
    ident: str  # the family key of the company it really is (or fab:<name>)
    name: str
    title: Title | None = None
    title_text: str | None = None
    start: Interval | None = None
    end: Interval | None = None  # None = current
    company: Company | None = None
    raw_start: str = ""  # how the profile writes it (filled when rendering)
    raw_end: str = ""
    day_start: int | None = None  # ORCID day fields, when given
    day_end: int | None = None


@dataclass
class Education:
    school: str
    degree: str
    discipline: str
    start: int
    end: int
    year_only: bool = False


@dataclass
class Person:
    index: int
    ats: str
    id: str
    application_id: str
    job_id: str
    region: str
    first: str
    last: str
    consent: bool
    track: str
    plan: dict[str, str] = field(default_factory=dict)  # planted kind -> note
    jobs: list[ResumeJob] = field(default_factory=list)
    educations: list[Education] = field(default_factory=list)
    linkedin: list[ProfileJob] | None = None  # None: no Positions.csv attached
    linkedin_url: bool = False
    orcid_id: str | None = None
    orcid: list[ProfileJob] | None = None  # [] = an ORCID record without employments
    github_login: str | None = None
    github: ProfileJob | None = None  # the GitHub "company", when set
    day_precision: bool = False

    @property
    def candidate_id(self) -> str:
        return f"{self.ats}:{self.id}"

    def profile_jobs(self) -> list[ProfileJob]:
        return (self.linkedin or []) + (self.orcid or [])
