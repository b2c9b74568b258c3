"""The YAML configuration (``CROSSCHECK_CONFIG``): unknown keys and wrong types fail at start, naming the key."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = PROJECT_ROOT / "include" / "sandbox" / "crosscheck.yaml"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HiringCompany(Strict):
    name: str
    registry_ids: dict[str, str] = Field(default_factory=dict)
    industry_codes: dict[str, list[str]] = Field(default_factory=dict)  # scheme -> codes, e.g. sic: ["26110"]
    competitors: list[str] = Field(default_factory=list)


class Thresholds(Strict):
    career_gap_months: int = Field(default=3, ge=0)
    date_tolerance_months: int = Field(default=2, ge=0)
    non_compete_window_months: int = Field(default=24, ge=0)


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
    quality: QualityConfig = Field(default_factory=QualityConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    data_dir: str = ".var/data"  # landing zone, reports, quarantine files; relative to the project root

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()

    def data_path(self) -> Path:
        p = Path(self.data_dir)
        return p if p.is_absolute() else PROJECT_ROOT / p


class ConfigError(ValueError):
    pass


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    path = Path(path or os.environ.get("CROSSCHECK_CONFIG") or DEMO_CONFIG)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {'unknown key' if e['type'] == 'extra_forbidden' else e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
