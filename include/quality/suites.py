"""What a good record of each dataset looks like, as Great Expectations suites.

The rules are data (``DatasetSpec``), so that the frame builder (``include.quality.frames``) and the
suite agree on every column, and a reviewer reads one table per dataset instead of code. Nested
values (consent, registry names, e-mail lists) and parsed dates become helper columns (``_start``,
``_ok_consent``...) before validation, so every expectation is a plain column check whose failing
rows GX can name. Each expectation carries ``meta = {"reason", "columns"}``: the quarantine reason is
built from that, never from the values, which may be personal data.

GX is imported inside the functions: importing it takes seconds and logs a lot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite

ID, NAME, SHORT, URL, TEXT = 300, 300, 100, 2000, 20000

SOURCES_ATS = ("greenhouse", "lever")
SOURCES_JOBS = ("greenhouse", "lever", "orcid", "github", "linkedin")
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship", "unknown")
REGISTRIES = ("companies_house", "gleif", "opencorporates")
NAME_KINDS = ("legal", "previous", "other", "transliterated", "trading")
EMPLOYMENT_STATUSES = ("current", "former")


@dataclass(frozen=True)
class Text:
    column: str
    max_len: int
    required: bool = False


@dataclass(frozen=True)
class PartialDate:
    """A date as written ("2019", "2019-03"), parsed into ``helper`` as its first or last day.

    Whether it is required is said by its ``Text`` entry; ``<helper>_parse`` is ok|empty|unparseable.
    """

    column: str
    helper: str
    last_day: bool = False  # an end date covers its whole period: "2019" ends on 31 December
    not_future: bool = True  # an end may lie ahead (notice period, expected graduation)
    allow_current: bool = False  # "Present" / "至今" mean "no end yet"


@dataclass(frozen=True)
class Timestamp:
    column: str
    required: bool = False


@dataclass(frozen=True)
class Number:
    column: str
    low: float
    high: float
    integer: bool = True
    required: bool = False


@dataclass(frozen=True)
class Derived:
    """A check on a nested value, computed in Python into ``_ok_<column>`` (True when valid)."""

    column: str
    check: str  # name of a predicate in include.quality.frames.PREDICATES
    required: bool = False


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    key: str
    texts: tuple[Text, ...]
    enums: tuple[tuple[str, tuple[str, ...], bool], ...] = ()  # (column, allowed, required)
    dates: tuple[PartialDate, ...] = ()
    date_order: tuple[tuple[str, str], ...] = ()  # (earlier helper, later helper)
    timestamps: tuple[Timestamp, ...] = ()
    numbers: tuple[Number, ...] = ()
    derived: tuple[Derived, ...] = ()

    def columns(self) -> list[str]:
        """Raw columns the suite reads (the frame holds only these and the helpers)."""
        cols = [self.key, *(t.column for t in self.texts), *(e[0] for e in self.enums),
                *(d.column for d in self.dates), *(t.column for t in self.timestamps),
                *(n.column for n in self.numbers), *(d.column for d in self.derived)]
        return list(dict.fromkeys(cols))

    def raw_column(self, helper: str) -> str:
        for d in self.dates:
            if d.helper == helper:
                return d.column
        return helper.lstrip("_")


CANDIDATES = DatasetSpec(
    name="candidates", key="candidate_id",
    texts=(Text("candidate_id", ID, True), Text("source_id", ID, True), Text("first_name", NAME),
           Text("last_name", NAME), Text("orcid", SHORT), Text("github_login", SHORT),
           Text("linkedin_export_url", URL), Text("record_url", URL), Text("updated_at", SHORT, True)),
    enums=(("source", SOURCES_ATS, True),),
    timestamps=(Timestamp("updated_at", required=True),),
    derived=(Derived("consent", "consent", required=True), Derived("emails", "list_of_short_strings"),
             Derived("phones", "list_of_short_strings")),
)

APPLICATIONS = DatasetSpec(
    name="applications", key="application_id",
    texts=(Text("application_id", ID, True), Text("candidate_id", ID, True), Text("job_id", ID),
           Text("status", SHORT), Text("applied_at", SHORT), Text("updated_at", SHORT)),
    timestamps=(Timestamp("applied_at"), Timestamp("updated_at")),
)

EMPLOYMENTS = DatasetSpec(
    name="employments", key="employment_id",
    texts=(Text("employment_id", ID, True), Text("candidate_id", ID, True), Text("employer", NAME, True),
           Text("title", NAME), Text("start_raw", SHORT), Text("end_raw", SHORT), Text("record_ref", URL, True)),
    enums=(("source", SOURCES_JOBS, True), ("employment_type", EMPLOYMENT_TYPES, False)),
    dates=(PartialDate("start_raw", "_start"),
           PartialDate("end_raw", "_end", last_day=True, not_future=False, allow_current=True)),
    date_order=(("_start", "_end"),),
)

EDUCATIONS = DatasetSpec(
    name="educations", key="education_id",
    texts=(Text("education_id", ID, True), Text("candidate_id", ID, True), Text("school", NAME, True),
           Text("degree", NAME), Text("start_raw", SHORT), Text("end_raw", SHORT), Text("record_ref", URL, True)),
    enums=(("source", SOURCES_JOBS, True),),
    dates=(PartialDate("start_raw", "_start"),
           PartialDate("end_raw", "_end", last_day=True, not_future=False, allow_current=True)),
    date_order=(("_start", "_end"),),
)

REGISTRY_ENTITIES = DatasetSpec(
    name="registry_entities", key="entity_id",
    texts=(Text("entity_id", ID, True), Text("status", SHORT), Text("created", SHORT), Text("dissolved", SHORT),
           Text("jurisdiction", SHORT), Text("record_url", URL, True)),
    enums=(("registry", REGISTRIES, True),),
    dates=(PartialDate("created", "_created"), PartialDate("dissolved", "_dissolved", last_day=True)),
    date_order=(("_created", "_dissolved"),),
    derived=(Derived("names", "registry_names", required=True), Derived("industry_codes", "industry_codes"),
             Derived("parent_ids", "list_of_short_strings")),
)

REVIEWS = DatasetSpec(
    name="reviews", key="review_id",
    texts=(Text("review_id", ID, True), Text("employer", NAME, True), Text("date", SHORT, True),
           Text("title", 1000), Text("pros", TEXT), Text("cons", TEXT), Text("advice_to_management", TEXT),
           Text("job_title", NAME), Text("location", NAME)),
    enums=(("employment_status", EMPLOYMENT_STATUSES, False),),
    dates=(PartialDate("date", "_date"),),
    numbers=(Number("rating", 1, 5, integer=True, required=True),),
)

SPECS: dict[str, DatasetSpec] = {s.name: s for s in (CANDIDATES, APPLICATIONS, EMPLOYMENTS, EDUCATIONS,
                                                     REGISTRY_ENTITIES, REVIEWS)}


def candidates(report_day: date) -> ExpectationSuite:
    return build_suite(CANDIDATES, report_day)


def applications(report_day: date) -> ExpectationSuite:
    return build_suite(APPLICATIONS, report_day)


def employments(report_day: date) -> ExpectationSuite:
    """Resume jobs (greenhouse, lever) and profile jobs (orcid, github, linkedin) alike."""
    return build_suite(EMPLOYMENTS, report_day)


def educations(report_day: date) -> ExpectationSuite:
    return build_suite(EDUCATIONS, report_day)


def registry_entities(report_day: date) -> ExpectationSuite:
    return build_suite(REGISTRY_ENTITIES, report_day)


def reviews(report_day: date) -> ExpectationSuite:
    return build_suite(REVIEWS, report_day)


SUITES = {"candidates": candidates, "applications": applications, "employments": employments,
          "educations": educations, "registry_entities": registry_entities, "reviews": reviews}


def suite_for(dataset: str, report_day: date) -> ExpectationSuite:
    if dataset not in SUITES:
        raise KeyError(f"no data-quality suite for dataset {dataset!r}; known: {', '.join(sorted(SUITES))}")
    return SUITES[dataset](report_day)


def day_start(d: date) -> datetime:
    return datetime.combine(d, time.min)


def build_suite(spec: DatasetSpec, report_day: date) -> ExpectationSuite:
    """The suite for ``spec``; "the future" is anything after ``report_day`` (the run's "today")."""
    from include.quality.gx import gx_module

    gx = gx_module()
    x = gx.expectations
    out: list[Any] = []

    def add(cls: Any, reason: str, columns: list[str], **kwargs: Any) -> None:
        out.append(cls(meta={"reason": reason, "columns": columns}, **kwargs))

    add(x.ExpectColumnValuesToBeInSet, "not_a_record", ["*"], column="_is_record", value_set=[True])
    add(x.ExpectColumnValuesToBeInSet, "invalid_text", ["*"], column="_text_ok", value_set=[True])
    add(x.ExpectColumnValuesToBeUnique, "duplicate", [spec.key], column=spec.key)
    for t in spec.texts:
        if t.required:
            add(x.ExpectColumnValuesToNotBeNull, "missing", [t.column], column=t.column)
            add(x.ExpectColumnValuesToMatchRegex, "empty", [t.column], column=t.column, regex=r"\S")
        add(x.ExpectColumnValuesToBeOfType, "wrong_type", [t.column], column=t.column, type_="str")
        add(x.ExpectColumnValueLengthsToBeBetween, "too_long", [t.column], column=t.column, max_value=t.max_len)
    for column, allowed, required in spec.enums:
        if required:
            add(x.ExpectColumnValuesToNotBeNull, "missing", [column], column=column)
        add(x.ExpectColumnValuesToBeInSet, "not_allowed", [column], column=column, value_set=list(allowed))
    for d in spec.dates:
        add(x.ExpectColumnValuesToBeInSet, "unparseable_date", [d.column], column=f"{d.helper}_parse",
            value_set=["ok", "empty"])
        if d.not_future:
            add(x.ExpectColumnValuesToBeBetween, "future_date", [d.column], column=d.helper,
                max_value=day_start(report_day))
    for earlier, later in spec.date_order:
        add(x.ExpectColumnPairValuesAToBeGreaterThanB, "start_after_end",
            [spec.raw_column(earlier), spec.raw_column(later)], column_A=later, column_B=earlier, or_equal=True,
            ignore_row_if="either_value_is_missing")
    for ts in spec.timestamps:
        helper = f"_{ts.column}"
        if ts.required:
            add(x.ExpectColumnValuesToNotBeNull, "missing", [ts.column], column=ts.column)
        add(x.ExpectColumnValuesToBeInSet, "unparseable_timestamp", [ts.column], column=f"{helper}_parse",
            value_set=["ok", "empty"])
        add(x.ExpectColumnValuesToBeBetween, "future_date", [ts.column], column=helper,
            max_value=day_start(report_day + timedelta(days=1)))  # up to the end of the report day (UTC)
    for n in spec.numbers:
        helper = f"_{n.column}"
        if n.required:
            add(x.ExpectColumnValuesToNotBeNull, "missing", [n.column], column=n.column)
        add(x.ExpectColumnValuesToBeInSet, "wrong_type", [n.column], column=f"{helper}_parse",
            value_set=["ok", "empty"])
        add(x.ExpectColumnValuesToBeBetween, "out_of_range", [n.column], column=helper, min_value=n.low,
            max_value=n.high)
    for dv in spec.derived:
        if dv.required:
            add(x.ExpectColumnValuesToNotBeNull, "missing", [dv.column], column=dv.column)
        add(x.ExpectColumnValuesToBeInSet, "invalid", [dv.column], column=f"_ok_{dv.column}", value_set=[True])
    return gx.ExpectationSuite(name=spec.name, expectations=out)
