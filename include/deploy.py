"""What a deployment into an existing Airflow needs beyond ``pip install``: the DAG files in Airflow's DAG
folder (``crosscheck dags install``), the warehouse created or brought up to date (``crosscheck migrate``),
and a preflight of everything a run depends on (``crosscheck doctor``), run where Airflow runs (scheduler,
each worker, api-server). docs/DEPLOY.md is the guide.

The DAG files ship in the wheel as ``include/dags`` (``dags/`` in a checkout) and are copied rather than
loaded through a shim: Airflow then parses, lists and versions them as it does any DAG file, and an
upgrade is ``pip install`` and ``crosscheck dags install`` again (``doctor`` says when the copies are
stale). The plugin needs no copy: it is the ``airflow.plugins`` entry point ``crosscheck_ui``.

``doctor`` never prints a connection's values, only which fields are missing.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from include.config import IN_CHECKOUT, PROJECT_ROOT, ConfigError, load_config

DAGS_SUBFOLDER = "crosscheck"  # the copies live in <dags_folder>/crosscheck/, a folder Crosscheck owns
PLUGIN_ENTRY_POINT = "crosscheck_ui"
WAREHOUSE_CONN_ID = "crosscheck_warehouse"
SOURCE_CONN_IDS = ("greenhouse_default", "lever_default", "companies_house_default", "gleif_default",
                   "opencorporates_default", "orcid_default", "github_default", "reviews_default")
ATS_CONN_IDS = ("greenhouse_default", "lever_default")
CELERY_COMPAT = "include.executor.celery_compat.CeleryExecutor"


def packaged_dags() -> Path:
    """The DAG files this version ships: the checkout's dags/, or the wheel's include/dags."""
    return PROJECT_ROOT / "dags" if IN_CHECKOUT else Path(__file__).resolve().parent / "dags"


def airflow_dags_folder() -> Path:
    from airflow.configuration import conf

    return Path(conf.get("core", "dags_folder")).expanduser()


def install_dags(dags_folder: Path | None = None) -> tuple[Path, dict[str, str]]:
    """Copy the shipped DAG files into ``<dags_folder>/crosscheck/`` (Airflow's ``[core] dags_folder`` by
    default); files of an older version no longer shipped are removed from that folder. Returns the
    folder and what happened to each file (added, updated, unchanged, removed)."""
    target = (dags_folder or airflow_dags_folder()) / DAGS_SUBFOLDER
    target.mkdir(parents=True, exist_ok=True)
    shipped = {p.name: p for p in sorted(packaged_dags().glob("crosscheck_*.py"))}
    if not shipped:
        raise RuntimeError(f"no DAG files in {packaged_dags()}: this installation is incomplete")
    done: dict[str, str] = {}
    for name, src in shipped.items():
        dst = target / name
        old = dst.read_bytes() if dst.is_file() else None
        new = src.read_bytes()
        if old != new:
            tmp = dst.with_suffix(".tmp")  # not .py: the DAG processor never sees a half-written file
            tmp.write_bytes(new)
            tmp.chmod(0o644)
            os.replace(tmp, dst)
        done[name] = "added" if old is None else "updated" if old != new else "unchanged"
    for stale in sorted(target.glob("crosscheck_*.py")):
        if stale.name not in shipped:
            stale.unlink()
            done[stale.name] = "removed"
    return target, done


# --- crosscheck doctor ---------------------------------------------------------------------------------

@dataclass
class Check:
    ok: bool
    name: str
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def check_config() -> Check:
    try:
        config = load_config()
        data = config.data_path()
    except ConfigError as exc:
        return Check(False, "config", str(exc))
    return Check(True, "config", f"{os.environ.get('CROSSCHECK_CONFIG')} (data_dir {data})")


def check_data_dir() -> Check:
    """The folder every task writes landing files, run folders and reports to: it exists, this user can
    write it, and nobody else can read it (it holds candidates' personal data)."""
    try:
        path = load_config().data_path()
    except ConfigError as exc:
        return Check(False, "data_dir", f"unknown: {exc}")
    if path.exists() and not path.is_dir():
        return Check(False, "data_dir", f"{path} is not a folder")
    if not path.is_dir():
        return Check(False, "data_dir", f"{path} does not exist: create it, readable by its owner only, on storage "
                                        f"every worker shares (install -d -m 700 {path})")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return Check(False, "data_dir", f"{path} is mode {mode:03o}: it holds personal data; make it 700 "
                                        f"(chmod 700 {path})")
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(False, "data_dir", f"{path} is not writable by this user: {exc.strerror or exc}")
    return Check(True, "data_dir", f"{path} (mode {mode:03o}, writable)")


def _connection(conn_id: str) -> dict[str, Any] | None:
    """A connection as Airflow finds it (environment, secrets backend, metadata database), or None."""
    from airflow.exceptions import AirflowNotFoundException
    from airflow.models.connection import Connection

    try:
        conn = Connection.get_connection_from_secrets(conn_id)
    except AirflowNotFoundException:
        return None
    return {"conn_type": conn.conn_type, "host": conn.host, "login": conn.login, "password": conn.password,
            "schema": conn.schema, "port": conn.port, "extra": conn.extra_dejson or {}}


def check_connections() -> list[Check]:
    """Every source connection that is defined has the fields its hook needs; at least one ATS; the
    warehouse connection exists (a deployment has no default warehouse)."""
    from include.cli_checks import UsageError, check_json_connection

    out = []
    defined = []
    for conn_id in (*SOURCE_CONN_IDS, WAREHOUSE_CONN_ID):
        name = f"connection {conn_id}"
        try:
            conn = _connection(conn_id)
        except Exception as exc:  # noqa: BLE001 - a secrets backend or database that cannot answer
            out.append(Check(False, name, f"cannot be read: {str(exc).splitlines()[0][:200]}"))
            continue
        if conn is None:
            if conn_id == WAREHOUSE_CONN_ID and IN_CHECKOUT:
                out.append(Check(True, name, "not defined: the checkout's own DuckDB file"))
            elif conn_id == WAREHOUSE_CONN_ID:
                out.append(Check(False, name, "not defined: set AIRFLOW_CONN_CROSSCHECK_WAREHOUSE (a DuckDB file "
                                              "or PostgreSQL; there is no default in a deployment)"))
            else:
                out.append(Check(True, name, "not defined: the source is skipped"))
            continue
        try:
            check_json_connection(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn, default=str))
        except UsageError as exc:
            out.append(Check(False, name, str(exc)))
            continue
        defined.append(conn_id)
        out.append(Check(True, name, f"defined ({conn['conn_type']})"))
    if not any(c in defined for c in ATS_CONN_IDS):
        out.append(Check(False, "connections", "no applicant-tracking system: define greenhouse_default or "
                                               "lever_default"))
    return out


def check_warehouse() -> Check:
    """Reachable, holding Crosscheck's tables, with no migration pending (read only: nothing is created)."""
    from include.cli_checks import UsageError, open_warehouse, warehouse_conn, where

    try:
        wh = open_warehouse(migrate=False)
    except UsageError as exc:
        return Check(False, "warehouse", f"{exc} (`crosscheck migrate` creates or upgrades it)")
    try:
        done = len(wh.query("SELECT version FROM schema_migrations"))
    finally:
        wh.close()
    return Check(True, "warehouse", f"{where(warehouse_conn())}: reachable, {done} migrations applied, none pending")


def check_executor() -> Check:
    """The configured executor loads; the Celery one through Crosscheck's compat class, with its broker
    answering."""
    from airflow.configuration import conf

    name = conf.get("core", "executor")
    try:  # the default executor, as [core] executor names it now (Airflow's loader caches what it read first)
        import importlib

        from airflow.executors.executor_loader import ExecutorLoader

        first = name.split(",")[0].strip()
        path = first.split(":")[-1].strip()  # an "alias:path" entry
        module, _, attr = ExecutorLoader.executors.get(path, path).rpartition(".")
        cls = getattr(importlib.import_module(module), attr)
    except Exception as exc:  # noqa: BLE001 - any import error of the executor class is the finding
        return Check(False, "executor", f"{name} cannot be loaded: {str(exc).splitlines()[0][:200]}")
    if "celery" not in cls.__module__.lower():
        return Check(True, "executor", f"{cls.__name__} ({name})")
    if name != CELERY_COMPAT:
        return Check(False, "executor", f"{name}: use {CELERY_COMPAT} (the Celery provider's executor with the "
                                        "compatibility patch applied first)")
    broker = conf.get("celery", "broker_url", fallback="")
    try:
        from kombu import Connection

        with Connection(broker, connect_timeout=3) as c:
            c.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - unreachable, refused, unknown transport: all say the same
        return Check(False, "executor", f"Celery broker [celery] broker_url does not answer: "
                                        f"{str(exc).splitlines()[0][:200]}")
    return Check(True, "executor", f"{cls.__name__} ({name}), broker answering")


def check_auth_manager() -> Check:
    """The HR page's plugin is registered, and Airflow's auth manager loads and does not let everyone in:
    the page shows candidates' findings and lets its users clear them."""
    found = plugin_entry_point()
    if found is None:
        return Check(False, "plugin", f"the airflow.plugins entry point {PLUGIN_ENTRY_POINT!r} is not installed: "
                                      "pip install the crosscheck wheel in this environment (in a checkout: "
                                      "make install)")
    try:
        plugin, how = found.load(), "entry point"
        from airflow.api_fastapi.app import get_auth_manager_cls
        from airflow.configuration import conf

        manager = get_auth_manager_cls()
    except Exception as exc:  # noqa: BLE001 - the plugin or the auth manager cannot be imported
        return Check(False, "plugin", f"cannot be loaded: {str(exc).splitlines()[0][:200]}")
    from airflow import plugins_manager

    errors = plugins_manager.get_import_errors()  # as the api-server and the scheduler load them
    if errors:
        where, what = next(iter(sorted(errors.items())))
        return Check(False, "plugin", f"Airflow's plugin loader failed on {len(errors)} plugin(s), first {where}: "
                                      f"{str(what).splitlines()[0][:200]}")
    if plugin.name not in {p.get("name") for p in plugins_manager.get_plugin_info()}:
        return Check(False, "plugin", f"Airflow did not load {plugin.name!r} (plugins folder "
                                      f"{conf.get('core', 'plugins_folder')}, entry points)")
    if manager.__name__ == "SimpleAuthManager" and conf.getboolean("core", "simple_auth_manager_all_admins",
                                                                   fallback=False):
        return Check(False, "plugin", "[core] simple_auth_manager_all_admins is on: anyone reaching the "
                                      "api-server could read and clear findings; turn it off")
    return Check(True, "plugin", f"{plugin.name} ({how}), auth manager {manager.__name__}")


def plugin_entry_point() -> metadata.EntryPoint | None:
    """The HR page's ``airflow.plugins`` entry point, when the package is installed (also editable)."""
    found = [ep for ep in metadata.entry_points(group="airflow.plugins") if ep.name == PLUGIN_ENTRY_POINT]
    return found[0] if found else None


def check_dag_files() -> Check:
    """The DAG folder holds this version's DAG files, unchanged."""
    if IN_CHECKOUT:
        return Check(True, "dags", f"a checkout: `crosscheck run` parses {packaged_dags()}")
    try:
        target = airflow_dags_folder() / DAGS_SUBFOLDER
    except Exception as exc:  # noqa: BLE001
        return Check(False, "dags", f"Airflow's dags_folder is unknown: {exc}")
    shipped = sorted(packaged_dags().glob("crosscheck_*.py"))
    stale = [p.name for p in shipped if not (target / p.name).is_file()
             or (target / p.name).read_bytes() != p.read_bytes()]
    if stale:
        return Check(False, "dags", f"{target} lacks this version of {', '.join(stale)}: run `crosscheck dags "
                                    "install`")
    return Check(True, "dags", f"{target}: {len(shipped)} DAG files of this version")


CHECKS: tuple[Callable[[], Check | list[Check]], ...] = (
    check_config, check_data_dir, check_connections, check_warehouse, check_dag_files, check_executor,
    check_auth_manager)


def doctor() -> Iterator[Check]:
    for check in CHECKS:
        try:
            found = check()
        except Exception as exc:  # noqa: BLE001 - a check that crashes is a failed check, never a traceback
            found = Check(False, check.__name__.removeprefix("check_"), f"{type(exc).__name__}: "
                                                                         f"{str(exc).splitlines()[0][:200]}")
        yield from (found if isinstance(found, list) else [found])


def version() -> str:
    try:
        return metadata.version("crosscheck")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout without the editable install
        return "unknown"


