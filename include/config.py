"""The YAML configuration (``CROSSCHECK_CONFIG``, required): unknown keys, wrong types and broken YAML
fail at start, naming the file and the key or line.

Paths resolve the same way in every process (scheduler, workers, api-server, the CLI), whatever its
working directory: ``CROSSCHECK_CONFIG`` must be absolute when Airflow reads it (the ``crosscheck`` CLI
makes a relative one absolute against the shell's directory before it starts Airflow), and a relative
``data_dir`` is taken from the configuration file's own folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A source checkout (the workshop, `make demo`) rather than an installed wheel, where PROJECT_ROOT is
# site-packages: only a checkout has defaults under PROJECT_ROOT (.var/airflow, .var/warehouse).
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "dags").is_dir()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HiringCompany(Strict):
    name: str
    registry_ids: dict[str, str] = Field(default_factory=dict)
    industry_codes: dict[str, list[str]] = Field(default_factory=dict)  # scheme -> codes, e.g. sic: ["26110"]
    competitors: list[str] = Field(default_factory=list)


class Thresholds(Strict):
    """The numbers the rules read. Each is declared (default, bounds, meaning) by the kinds that read it
    (include/engine/rules/*); the configuration sits below the engine and cannot import it, so the fields
    are spelled out here and tests/engine/test_kinds.py fails when they disagree with the declarations."""

    career_gap_months: int = Field(default=3, ge=0)
    date_tolerance_months: int = Field(default=2, ge=0)
    non_compete_window_months: int = Field(default=24, ge=0)


EU_MEMBERS = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
              "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")


class NonCompeteRule(Strict):
    """How a jurisdiction treats a post-employment non-compete (docs/CANDIDATES.md gives the sources).

    ``void``: the law voids it, so a finding is information only (blue). ``weighed``: a court weighs its
    length and scope, so it is a question (yellow), never red. ``statutory``: the law allows it within
    limits (``max_months`` after leaving; with ``senior_only``, only for senior managers, senior technical
    staff and others bound to confidentiality), so it is red where those limits plausibly hold.
    """

    treatment: Literal["void", "weighed", "statutory"]
    law: str  # the statute or doctrine, named in every finding this rule decides
    max_months: int | None = Field(default=None, ge=0)
    senior_only: bool = False


def default_non_compete_rules() -> dict[str, NonCompeteRule]:
    void: Literal["void"] = "void"
    return {
        "CN": NonCompeteRule(treatment="statutory", max_months=24, senior_only=True,
                             law="PRC Labour Contract Law, Articles 23 and 24"),
        "US-CA": NonCompeteRule(treatment=void, law="California Business and Professions Code §§ 16600-16600.5"),
        "US-ND": NonCompeteRule(treatment=void, law="North Dakota Century Code § 9-08-06"),
        "US-OK": NonCompeteRule(treatment=void, law="Oklahoma Statutes title 15, § 219A"),
        "US-MN": NonCompeteRule(treatment=void, law="Minnesota Statutes § 181.988"),
        "GB": NonCompeteRule(treatment="weighed", law="the UK common-law doctrine of restraint of trade"),
        "EU": NonCompeteRule(treatment="weighed",
                             law="the national law of the EU member state (a court weighs length, scope and "
                                 "compensation)"),
    }


class NonCompeteConfig(Strict):
    """Non-compete rules per jurisdiction: an ISO 3166 country ("CN", "GB"), subdivision ("US-CA") or
    "EU" (every member state without a rule of its own). A jurisdiction without a rule keeps the
    general policy (red when recent and senior, else yellow)."""

    rules: dict[str, NonCompeteRule] = Field(default_factory=default_non_compete_rules)
    # Greenhouse candidate custom fields (name_key) that hold HR's facts, when the account has them
    agreement_field: str = "non_compete_agreement"
    end_date_field: str = "non_compete_end_date"
    location_field: str = "work_location"


class ConsentConfig(Strict):
    greenhouse_custom_field: str = "background_check_consent"
    lever_tag: str = "background-check-consent"


class QualityConfig(Strict):
    max_failure_rate: float = Field(default=0.2, ge=0, le=1)  # a batch failing more than this fails its task


class ReportConfig(Strict):
    locale: Literal["en", "zh_CN"] = "en"
    email_to: list[str] = Field(default_factory=list)  # empty = no e-mail (the default)


class RetentionConfig(Strict):
    candidate_days: int = Field(default=365, ge=1)


class AuditConfig(Strict):
    # the append-only log of signed chain heads; relative paths are under data_dir
    anchor_log: str = "audit/anchors.jsonl"
    # base64 of the raw Ed25519 public key that verifies the heads (never read from the warehouse)
    public_key: str | None = None


def default_letter_locales() -> dict[str, Literal["en", "zh_CN"]]:
    zh: Literal["zh_CN"] = "zh_CN"
    return {"CN": zh, "TW": zh, "HK": zh, "MO": zh}


class NoticesConfig(Strict):
    """Decisions and notices to candidates (include/notices, docs/NOTICES.md)."""

    # tell every checked candidate the result within this many working days of HR's decision
    result_due_working_days: int = Field(default=3, ge=0, le=30)
    # US FCRA: after a pre-adverse notice reached the candidate, at least this many business days (US
    # federal calendar) before a final adverse decision; other jurisdictions count their own working days
    pre_adverse_wait_working_days: int = Field(default=5, ge=0, le=60)
    smtp_conn_id: str = "smtp_default"  # the Airflow connection that sends notice e-mails
    # the candidate's jurisdiction when their location says none (an ISO 3166 code, e.g. "GB"); None: the
    # letter names no law and working days are Monday to Friday without public holidays
    default_jurisdiction: str | None = None
    # the letter's language by jurisdiction (country or subdivision); else "en"
    locale_by_jurisdiction: dict[str, Literal["en", "zh_CN"]] = Field(default_factory=default_letter_locales)
    # how a candidate disputes a finding (an address, a form's URL); empty: reply to the letter's sender
    dispute_contact: str = ""
    # who signs the letters (the hiring company's name when empty)
    sender: str = ""
# --- incremental sources (docs/INCREMENTAL.md) ---------------------------------------------------

class ProfileSourceConfig(Strict):
    # profile reads one run may make of this source (one request each; a GitHub 304 costs no quota but is
    # counted here too); the rest wait as "pending" for the next runs, changed candidates first, then
    # never-read ones, then the oldest reads
    requests_per_run: int = Field(ge=0)


class ProfilesConfig(Strict):
    """Which consenting candidates' public profiles a run reads: new or changed ones (their ATS record or
    applications changed since the last read), reads older than ``max_age_days``, every one on a full run,
    all within each source's per-run budget."""

    max_age_days: int = Field(default=7, ge=0)  # 0: every profile is read on every run
    # GitHub's quota with a token is 5,000 requests an hour: one run spends at most one hour of it
    github: ProfileSourceConfig = Field(default_factory=lambda: ProfileSourceConfig(requests_per_run=5000))
    # ORCID's public API has no hourly quota (a rate, 12 requests a second here): one run reads at most
    # 20,000 profiles, about half an hour
    orcid: ProfileSourceConfig = Field(default_factory=lambda: ProfileSourceConfig(requests_per_run=20000))


class RegistriesConfig(Strict):
    """Registry facts looked up through the APIs are reused for ``max_age_days``, or until a bulk snapshot
    of that registry newer than the look-up is loaded."""

    max_age_days: int = Field(default=30, ge=1)


class ReviewsConfig(Strict):
    """Which employers a run asks the review feed about: the hiring company on every run, an employer never
    read (with the full look-back), one last read ``max_age_days`` or more days ago (from that day), within
    ``requests_per_run`` employers; the rest wait as "pending", oldest first, for the next runs."""

    max_age_days: int = Field(default=7, ge=0)  # 0: every employer is asked on every run
    # employers one run asks (each one request, more when its reviews fill several pages); the hiring
    # company is always asked and counted among them
    requests_per_run: int = Field(default=2000, ge=0)


class Config(Strict):
    hiring_company: HiringCompany
    thresholds: Thresholds = Field(default_factory=Thresholds)
    consent: ConsentConfig = Field(default_factory=ConsentConfig)
    non_compete: NonCompeteConfig = Field(default_factory=NonCompeteConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    notices: NoticesConfig = Field(default_factory=NoticesConfig)
    profiles: ProfilesConfig = Field(default_factory=ProfilesConfig)
    registries: RegistriesConfig = Field(default_factory=RegistriesConfig)
    reviews: ReviewsConfig = Field(default_factory=ReviewsConfig)
    # landing zone, run folders, reports, quarantine files; a relative path is taken from the folder of
    # the configuration file (never from a process's working directory)
    data_dir: str = ".var/data"
    _base: Path | None = PrivateAttr(default=None)  # the configuration file's folder, when read from one

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()

    def data_path(self) -> Path:
        p = Path(self.data_dir).expanduser()
        if p.is_absolute():
            return p
        if self._base is None:
            raise ConfigError(f"data_dir {self.data_dir!r} is relative and this configuration was not read from a "
                              "file to resolve it against: give an absolute path")
        return Path(os.path.normpath(self._base / p))

    def landing_path(self) -> Path:
        """The landing zone: every source's raw answers, as read (``<source>/<day>/<run>/<part>.jsonl.gz``)."""
        return self.data_path() / "landing"


CONFIG_ENV = "CROSSCHECK_CONFIG"
DEMO_HINT = f"export {CONFIG_ENV}=sandbox/crosscheck.yaml in a checkout, for the demo"


ECHO_MAX = 200  # characters of a user's value repeated in an error line


def echo(value: str, most: int = ECHO_MAX) -> str:
    """A user's value as an error line repeats it: printable, and at most ``most`` characters (a 120 KB
    argument must not become a 120 KB error line)."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return text if len(text) <= most else f"{text[:most]}… ({len(value)} characters)"


MAX_CONFIG_BYTES = 1024 * 1024


class ConfigError(ValueError):
    """One line naming the file and the problem (the key, or the YAML line), never a traceback."""


def config_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The configuration file: ``path``, else ``CROSSCHECK_CONFIG``. There is no silent default: a run
    against the demo's hiring company and thresholds by mistake would look like a real run."""
    if path:
        return Path(path).expanduser()
    chosen = os.environ.get(CONFIG_ENV, "").strip()
    if not chosen:
        raise ConfigError(f"{CONFIG_ENV} is not set: point it at your configuration file ({DEMO_HINT})")
    found = Path(chosen).expanduser()
    if not found.is_absolute():
        raise ConfigError(f"{CONFIG_ENV}={chosen} is a relative path: give an absolute one (Airflow's processes "
                          "run in other directories)")
    return found


def absolute_config_env() -> None:
    """What the CLI does before anything reads the configuration: a relative ``CROSSCHECK_CONFIG`` (typed in
    a shell) is made absolute against the working directory, for this process and every one it starts."""
    chosen = os.environ.get(CONFIG_ENV, "").strip()
    if chosen and not Path(chosen).expanduser().is_absolute():
        os.environ[CONFIG_ENV] = str(Path(chosen).expanduser().resolve())


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    path = config_path(path)
    shown = echo(str(path))
    try:
        raw = yaml.safe_load(_read_regular(path, shown))
    except ConfigError:
        raise
    except FileNotFoundError:
        raise ConfigError(f"config {shown}: no such file ({CONFIG_ENV} names it)") from None
    except OSError as exc:
        raise ConfigError(f"config {shown}: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the path (UnicodeDecodeError is one too)
        why = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "a path cannot hold a NUL character"
        raise ConfigError(f"config {shown}: {why}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"config {shown}: {_yaml_problem(exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"config {shown}: the top level must be a mapping of keys (key: value), "
                          f"not a {type(raw).__name__}")
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {'unknown key' if e['type'] == 'extra_forbidden' else e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(f"config {shown}: {problems}") from None
    config._base = path.resolve().parent
    return config


def _read_regular(path: Path, shown: str) -> str:
    """The file's text, if it is a regular file of a sane size: a FIFO would block the read forever and
    /dev/zero never ends, so anything else is refused before it is opened."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) else \
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file"
        raise ConfigError(f"config {shown}: {kind}, not a configuration file")
    if st.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {shown}: {st.st_size} bytes; a configuration file is at most {MAX_CONFIG_BYTES}")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # never blocks, should it have become a FIFO since
    with os.fdopen(fd, "rb") as fh:
        return fh.read(MAX_CONFIG_BYTES + 1).decode("utf-8")


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """``line L, column C: problem`` (1-based, as editors count), on one line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    what = f"{problem} ({context})" if context else problem
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"not valid YAML: {where}{what}"
