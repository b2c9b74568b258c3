"""What ``crosscheck`` checks before it starts work: the report day, the configuration, the connections in
the environment and the warehouse. A bad input must fail in a fraction of a second with one line naming
it, not after a minute of failed Airflow tasks: so nothing here imports Airflow, pandas or GX, and every
check raises ``UsageError`` (exit status 2) with the variable, file, key or option in the message.

Connection values are never echoed: they hold API keys and passwords.
"""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from include.config import (
    IN_CHECKOUT,
    PROJECT_ROOT,
    Config,
    ConfigError,
    absolute_config_env,
    echo,
    load_config,
)
from include.warehouse import (
    WAREHOUSE_ENV,
    Warehouse,
    WarehouseError,
    warehouse_spec,
    where,  # noqa: F401 - re-exported: the CLI names the warehouse with it
)
from include.warehouse import open_warehouse as open_spec

# The warehouse when AIRFLOW_CONN_CROSSCHECK_WAREHOUSE is unset: in a checkout only (an installed wheel's
# project root is site-packages); a deployment names its warehouse (docs/DEPLOY.md)
DEFAULT_WAREHOUSE = PROJECT_ROOT / ".var" / "warehouse" / "crosscheck.duckdb" if IN_CHECKOUT else None
CONN_PREFIX = "AIRFLOW_CONN_"
CONN_FIELDS = ("conn_type", "host", "login", "password", "schema", "port", "extra", "description")
TEXT_FIELDS = ("conn_type", "host", "login", "password", "schema", "description")
# the fields each source's hook cannot do without (docs/CONTRACT.md, "Connections")
REQUIRED = {
    "greenhouse_default": {"login": "the OAuth client id", "password": "the OAuth client secret"},
    "lever_default": {"password": "the Lever API key"},
    "companies_house_default": {"password": "the Companies House API key"},
    "opencorporates_default": {"password": "the OpenCorporates API token"},
    "reviews_default": {"host": "the review feed's base URL", "password": "the review feed's API key"},
}
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ATS_CONNECTIONS = ("greenhouse_default", "lever_default")
# what ``crosscheck run`` uses when AIRFLOW_HOME is unset: the checkout's own; Airflow's default when installed
AIRFLOW_HOME_DEFAULT = PROJECT_ROOT / ".var" / "airflow" if IN_CHECKOUT else Path("~/airflow")


class UsageError(Exception):
    """Bad input: the command cannot start. ``main`` prints the one-line message and exits 2."""


def today_utc() -> date:
    return datetime.now(UTC).date()


def parse_day(text: str, option: str = "--date") -> date:
    """A calendar day written YYYY-MM-DD (nothing else: ``tomorrow`` and ``20261121`` are refused)."""
    value = text.strip()
    if not ISO_DAY.fullmatch(value):
        raise UsageError(f"{option} {echo(repr(text))} is not a date: write it YYYY-MM-DD, e.g. {today_utc().isoformat()}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} {value} is not a date: {exc}") from None


def report_day(text: str) -> date:
    """The day a run reports on: a real day, and not after today (UTC). The sources are read up to the
    end of the report day; a day to come would be sealed as a run that read a future it cannot have."""
    day = parse_day(text)
    today = today_utc()
    if day > today:
        raise UsageError(f"--date {day.isoformat()} is after today ({today.isoformat()}, UTC): "
                         "a report covers a day that has begun")
    return day


def checked_config() -> Config:
    """The configuration, validated now; ``CROSSCHECK_CONFIG`` made absolute for the tasks and workers."""
    absolute_config_env()
    try:
        config = load_config()
        config.data_path()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return config


def check_connections(environ: Mapping[str, str] | None = None) -> None:
    """Every ``AIRFLOW_CONN_*`` in JSON form (value starting with ``{``) parses, has a ``conn_type``, only
    Airflow's connection fields of the right types, and the fields its source requires. URI-form values
    are Airflow's to parse. The warehouse connection is checked in either form; then that an ATS is
    defined (``check_an_ats``)."""
    env = os.environ if environ is None else environ
    for name in sorted(env):
        if name.startswith(CONN_PREFIX) and env[name].lstrip().startswith("{"):
            check_json_connection(name, env[name])
    warehouse_conn(env)
    check_an_ats(env)


def check_an_ats(environ: Mapping[str, str] | None = None) -> None:
    """At least one applicant-tracking system, or a run has nothing to check (the pipeline's first
    task refuses it too). Decided here only when it can be without Airflow: an ``AIRFLOW_CONN_*`` of an
    ATS, or Airflow's default SQLite metadata database holding one. A secrets backend or another
    metadata database may hold one this cannot see: then Airflow's own look-up decides."""
    env = os.environ if environ is None else environ
    if any((env.get(CONN_PREFIX + c.upper()) or "").strip() for c in ATS_CONNECTIONS):
        return
    home = Path(env.get("AIRFLOW_HOME") or AIRFLOW_HOME_DEFAULT).expanduser()
    cfg = _airflow_cfg(Path(env.get("AIRFLOW_CONFIG") or home / "airflow.cfg").expanduser(), home)
    if (env.get("AIRFLOW__SECRETS__BACKEND") or cfg.get(("secrets", "backend")) or "").strip():
        return
    if any(env.get(f"AIRFLOW__DATABASE__SQL_ALCHEMY_CONN{s}") for s in ("_CMD", "_SECRET")):
        return
    url = (env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN") or cfg.get(("database", "sql_alchemy_conn")) or "").strip()
    if url and not url.startswith("sqlite:///"):
        return
    db = Path(url.removeprefix("sqlite:///").split("?")[0] if url else home / "airflow.db")
    if db.is_file() and _sqlite_has_connection(db, ATS_CONNECTIONS):
        return
    names = " or ".join(CONN_PREFIX + c.upper() for c in ATS_CONNECTIONS)
    raise UsageError(f"no applicant-tracking system is configured: define {names} "
                     "(see README, 'Connections'); at least one ATS is required")


def _airflow_cfg(path: Path, home: Path) -> dict[tuple[str, str], str]:
    """The two options of an airflow.cfg that say where connections live (no interpolation but
    Airflow's ``{AIRFLOW_HOME}``)."""
    import configparser

    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error):
        return {}
    out = {}
    for key in (("secrets", "backend"), ("database", "sql_alchemy_conn")):
        if parser.has_option(*key):
            out[key] = parser.get(*key).replace("{AIRFLOW_HOME}", str(home))
    return out


def _sqlite_has_connection(db: Path, conn_ids: tuple[str, ...]) -> bool:
    """Read only (the file is never created or changed); a database it cannot read counts as holding one,
    so that Airflow, not this check, says what is wrong with it."""
    import sqlite3

    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error:
        return True
    try:
        marks = ", ".join("?" for _ in conn_ids)
        return con.execute(f"SELECT 1 FROM connection WHERE conn_id IN ({marks}) LIMIT 1", conn_ids).fetchone() is not None
    except sqlite3.OperationalError as exc:
        return "no such table" not in str(exc)  # a database Airflow has not set up holds no connection
    except sqlite3.Error:
        return True
    finally:
        con.close()


def check_json_connection(name: str, value: str) -> dict[str, Any]:
    try:
        conn = json.loads(value)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                         'expected e.g. {"conn_type": "http", "host": "...", "password": "..."}') from None
    if not isinstance(conn, dict):
        raise UsageError(f"{name}: a JSON connection is an object ({{...}}), not a {type(conn).__name__}")
    unknown = sorted(set(conn) - set(CONN_FIELDS))
    if unknown:
        raise UsageError(f"{name}: unknown field {unknown[0]!r} (a connection has {', '.join(CONN_FIELDS)})")
    for field in TEXT_FIELDS:
        if conn.get(field) is not None and not isinstance(conn[field], str):
            raise UsageError(f"{name}: {field} must be text, not {type(conn[field]).__name__}")
    if not (conn.get("conn_type") or "").strip():
        raise UsageError(f'{name}: conn_type is required (e.g. "http"; "duckdb" or "postgres" for the warehouse)')
    port = conn.get("port")
    if port not in (None, "") and not (isinstance(port, int) and not isinstance(port, bool)
                                       or isinstance(port, str) and port.strip().isdigit()):
        raise UsageError(f"{name}: port must be a whole number")
    extra = conn.get("extra")
    if isinstance(extra, str) and extra.strip():
        try:
            extra = json.loads(extra)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{name}: extra is not valid JSON (column {exc.colno}: {exc.msg})") from None
    if extra not in (None, "") and not isinstance(extra, dict):
        raise UsageError(f"{name}: extra must be a JSON object, not a {type(extra).__name__}")
    conn_id = name.removeprefix(CONN_PREFIX).lower()
    for field, what in REQUIRED.get(conn_id, {}).items():
        if not str(conn.get(field) or "").strip():
            raise UsageError(f"{name}: {field} ({what}) is required for {conn_id}")
    return conn


def warehouse_conn(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The warehouse connection as a dict; the project's DuckDB file when the variable is not set."""
    env = os.environ if environ is None else environ
    raw = (env.get(WAREHOUSE_ENV) or "").strip()
    if not raw and DEFAULT_WAREHOUSE is None:
        raise UsageError(f"{WAREHOUSE_ENV} is not set: an installed Crosscheck has no default warehouse; set it, "
                         'e.g. {"conn_type": "duckdb", "host": "/srv/crosscheck/warehouse.duckdb"} '
                         "(docs/DEPLOY.md, 'Connections')")
    if raw.startswith("{"):
        check_json_connection(WAREHOUSE_ENV, raw)
    try:
        conn = warehouse_spec(env, default=DEFAULT_WAREHOUSE)
    except WarehouseError as exc:
        raise UsageError(str(exc)) from None
    kind = str(conn.get("conn_type") or "").lower()
    duck = str(conn.get("host") or conn.get("schema") or "")
    if kind == "duckdb" and duck != ":memory:" and not Path(duck).expanduser().is_absolute():
        raise UsageError(f"{WAREHOUSE_ENV}: host {duck!r} is a relative path: give the .duckdb file's absolute path "
                         "(Airflow's processes run in other directories)")
    return conn


def check_task_timeout(environ: Mapping[str, str] | None = None) -> None:
    """``CROSSCHECK_TASK_TIMEOUT_MINUTES`` and ``CROSSCHECK_TASK_RETRY_DELAY_SECONDS``, if set: whole
    numbers in range (the DAG files read them)."""
    from include.task_timeouts import TimeoutSettingError, override_minutes, override_retry_seconds

    try:
        override_minutes(environ)
        override_retry_seconds(environ)
    except TimeoutSettingError as exc:
        raise UsageError(str(exc)) from None


def check_no_nul(text: str, what: str) -> None:
    """A NUL ends a path where the operating system reads it: the rest would be silently dropped, and
    the file written would be another one."""
    if "\0" in text:
        raise UsageError(f"{what} {echo(text)}: a path cannot hold a NUL character")


def _probe_folder(folder: Path, what: str, shown: str) -> None:
    """Write access to ``folder``, by trying it (a permission bit says nothing for root, or on a
    read-only file system): a temporary file made and removed at once."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix=".crosscheck-probe-", dir=folder)
    except OSError as exc:
        raise UsageError(f"{what} {shown}: cannot write in {echo(str(folder))}: "
                         f"{(exc.strerror or str(exc)).lower()}") from None
    os.close(fd)
    os.unlink(name)


def _nearest_existing(path: Path) -> Path:
    for p in [path, *path.parents]:
        if p.exists() or p.is_symlink():
            return p
    return Path("/")


def check_writable_folder(path: Path, what: str, shown: str | None = None) -> None:
    """A folder a run writes to (made if missing): no NUL, not a file, writable, or whichever existing
    folder would hold it is. ``shown``: the value as the user wrote it, for the message."""
    check_no_nul(str(path), what)
    shown = shown if shown is not None else echo(str(path))
    path = path.expanduser().absolute()
    base = _nearest_existing(path)
    if not base.is_dir():
        raise UsageError(f"{what} {shown}: {echo(str(base))} is a file, not a folder")
    _probe_folder(base, what, shown)


def check_warehouse_location(conn: Mapping[str, Any], create: bool) -> None:
    """A DuckDB warehouse's path, before anything opens it: no NUL; a regular file, not a folder or a
    device; writable by a run (``create``) together with its folder (DuckDB writes a .wal file beside
    it). PostgreSQL is the server's to check."""
    if str(conn.get("conn_type")).lower() != "duckdb":
        return
    raw = str(conn.get("host") or conn.get("schema") or "")
    what = f"the warehouse ({WAREHOUSE_ENV})"
    check_no_nul(raw, what)
    if raw == ":memory:":
        return
    path = Path(raw).expanduser().absolute()
    shown = echo(raw)
    if path.is_dir():
        raise UsageError(f"{what} {shown} is a folder: host names the .duckdb file itself")
    if path.exists() and not path.is_file():
        raise UsageError(f"{what} {shown} is not a regular file")
    if not create:
        return
    if path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        except OSError as exc:
            raise UsageError(f"{what} {shown}: not writable: {(exc.strerror or str(exc)).lower()}") from None
    check_writable_folder(path.parent, what, shown)


def check_writable(config: Config, environ: Mapping[str, str] | None = None) -> None:
    """What ``crosscheck run`` writes, checked before Airflow starts instead of failing a task a minute
    in: the data folder (landing zone, run folders, reports) and the DuckDB warehouse."""
    check_writable_folder(config.data_path(), "data_dir")
    check_warehouse_location(warehouse_conn(environ), create=True)


def open_warehouse(create: bool = False, migrate: bool = True) -> Warehouse:
    """The warehouse, opened through ``include.warehouse.open_warehouse``. ``create=False`` (every command but
    ``run``): a missing warehouse is an error, not a new empty one. ``migrate=False`` (the read-only commands:
    ``audit verify``, ``candidate export``, ``evaluate``): nothing is written; a warehouse that needs
    migrating is an error too."""
    conn = warehouse_conn()
    check_warehouse_location(conn, create)
    try:
        return open_spec(conn, migrate=migrate, create=create)
    except WarehouseError as exc:
        unset = "" if os.environ.get(WAREHOUSE_ENV) else f" ({WAREHOUSE_ENV} is not set)"
        message = str(exc)
        raise UsageError(message + (unset if message.startswith("no warehouse at") and "creates it" in message
                                    else "")) from None


def check_out_path(text: str, option: str = "--out") -> Path:
    """Where a command is told to write a file: a new or regular file (never a symbolic link, which
    could point the personal data anywhere) in an existing folder. Checked before any work is done."""
    path = Path(text)
    shown = echo(text)
    if "\0" in text:
        raise UsageError(f"{option} {shown}: a path cannot hold a NUL character")
    if path.is_symlink():
        raise UsageError(f"{option} {shown} is a symbolic link: name the file itself (links are not followed)")
    if path.is_dir():
        raise UsageError(f"{option} {shown} is a folder: name a file in it")
    if path.exists() and not path.is_file():
        raise UsageError(f"{option} {shown} is not a regular file")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {shown}: no folder {echo(str(parent))} to write it in")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {shown}: not writable")
    return path


def write_private(path: str | Path, text: str) -> Path:
    """Write a file only its owner can read (mode 600, also when it existed), never through a symbolic
    link: exports and connection files hold personal data or credentials."""
    from include.private import open_private

    p = Path(path)
    try:
        fd = open_private(p)
    except OSError as exc:
        why = "it is a symbolic link" if exc.errno == errno.ELOOP else (exc.strerror or str(exc)).lower()
        raise UsageError(f"cannot write {echo(str(p))}: {why}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return p

