"""The YAML configuration (``CROSSCHECK_CONFIG``, required): unknown keys, wrong types and broken YAML
fail at start, naming the file and the key or line."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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


class Config(Strict):
    hiring_company: HiringCompany
    thresholds: Thresholds = Field(default_factory=Thresholds)
    consent: ConsentConfig = Field(default_factory=ConsentConfig)
    non_compete: NonCompeteConfig = Field(default_factory=NonCompeteConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    data_dir: str = ".var/data"  # landing zone, reports, quarantine files; relative to the project root

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()

    def data_path(self) -> Path:
        p = Path(self.data_dir)
        return p if p.is_absolute() else PROJECT_ROOT / p

    def landing_path(self) -> Path:
        """The landing zone: every source's raw answers, as read (``<source>/<day>/<run>/<part>.jsonl.gz``)."""
        return self.data_path() / "landing"


CONFIG_ENV = "CROSSCHECK_CONFIG"
DEMO_HINT = f"export {CONFIG_ENV}=sandbox/crosscheck.yaml in a checkout, for the demo"


class ConfigError(ValueError):
    """One line naming the file and the problem (the key, or the YAML line), never a traceback."""


def config_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The configuration file: ``path``, else ``CROSSCHECK_CONFIG``. There is no silent default: a run
    against the demo's hiring company and thresholds by mistake would look like a real run."""
    chosen = str(path) if path else os.environ.get(CONFIG_ENV, "").strip()
    if not chosen:
        raise ConfigError(f"{CONFIG_ENV} is not set: point it at your configuration file ({DEMO_HINT})")
    return Path(chosen).expanduser()


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    path = config_path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config {path}: no such file ({CONFIG_ENV} names it)") from None
    except OSError as exc:
        raise ConfigError(f"config {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config {path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"config {path}: {_yaml_problem(exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"config {path}: the top level must be a mapping of keys (key: value), "
                          f"not a {type(raw).__name__}")
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {'unknown key' if e['type'] == 'extra_forbidden' else e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(f"config {path}: {problems}") from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """``line L, column C: problem`` (1-based, as editors count), on one line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    what = f"{problem} ({context})" if context else problem
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"not valid YAML: {where}{what}"
