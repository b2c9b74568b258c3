"""Great Expectations Data Docs for a run: a static site of every validation, without any record values.

GX renders unexpected values into its pages; ours may be names and e-mail addresses, so results are
stripped to counts (``sanitize``) before they are stored or rendered. Ingest tasks run in separate
processes, so each validation's sanitized result is saved as JSON under ``<docs_dir>/results`` and the
site under ``<docs_dir>/site`` is rebuilt from all of them, under a file lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SITE_NAME = "crosscheck"
_COUNT_KEYS = ("element_count", "unexpected_count", "unexpected_percent", "missing_count", "missing_percent",
               "unexpected_percent_total", "unexpected_percent_nonmissing")


def sanitize(result: Any) -> dict[str, Any]:
    """A JSON-able copy of a suite validation result with every value-bearing field removed."""
    data = result if isinstance(result, Mapping) else result.to_json_dict()
    data = json.loads(json.dumps(data, default=str))
    for r in data.get("results") or []:
        res = r.get("result") or {}
        r["result"] = {k: res[k] for k in _COUNT_KEYS if k in res}
        info = r.get("exception_info") or {}
        raised = bool(info.get("raised_exception")) if isinstance(info, Mapping) else True
        r["exception_info"] = {"raised_exception": raised, "exception_message": None, "exception_traceback": None}
        r.pop("rendered_content", None)
    meta = data.setdefault("meta", {})
    meta.pop("batch_parameters", None)
    return data


def build_data_docs(results: Iterable[Any], out_dir: Path) -> Path:
    """Render ``results`` (GX results or sanitized dicts, with ``meta.crosscheck`` naming run/source) as a
    GX Data Docs site in ``out_dir``; return the path of its ``index.html``."""
    from include.quality.gx import gx_module

    gx = gx_module()
    from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="ephemeral")
    context.variables.data_docs_sites = {SITE_NAME: {
        "class_name": "SiteBuilder", "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }}
    suites: dict[str, Any] = {}
    for n, raw in enumerate(results):
        data = sanitize(raw)
        tag = (data.get("meta") or {}).get("crosscheck") or {}
        name = data.get("suite_name") or "unnamed"
        if name not in suites:
            configs = [r["expectation_config"] for r in data.get("results") or [] if r.get("expectation_config")]
            suite = gx.ExpectationSuite(name=name, expectations=[_expectation(c) for c in configs])
            suites[name] = context.suites.add(suite)
        loaded = expectationSuiteValidationResultSchema.load(data)
        run_id = RunIdentifier(run_name=str(tag.get("run_id") or "run"), run_time=_when(tag.get("validated_at")))
        loaded.meta["run_id"] = run_id
        loaded.meta["validation_time"] = run_id.run_time
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=name),
            run_id=run_id,
            batch_identifier=_safe(str(tag.get("batch") or tag.get("source") or f"batch{n}")),
        )
        context.validation_results_store.set(key, loaded)
    context.build_data_docs(site_names=[SITE_NAME])
    return out_dir / "index.html"


def _expectation(config: Mapping[str, Any]) -> Any:
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}
    return ExpectationConfiguration(type=config["type"], kwargs=kwargs, meta=config.get("meta")).to_domain_obj()


def _when(text: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.now(UTC)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120] or "batch"


@contextmanager
def _locked(directory: Path) -> Any:
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def add_to_run_docs(result: Any, docs_dir: Path, *, run_id: str, dataset: str, source: str,
                    keys: list[str]) -> Path:
    """Save one validation's sanitized result under ``docs_dir/results`` and rebuild ``docs_dir/site``.

    The file name depends on the batch's record keys, so re-running the same batch replaces its page.
    """
    data = sanitize(result)
    digest = hashlib.sha256("\n".join(keys).encode("utf-8", "replace")).hexdigest()[:12]
    batch = f"{source}-{digest}"
    data.setdefault("meta", {})["crosscheck"] = {
        "run_id": run_id, "dataset": dataset, "source": source, "batch": batch,
        "validated_at": datetime.now(UTC).isoformat(timespec="seconds")}
    docs_dir = Path(docs_dir)
    with _locked(docs_dir):
        results_dir = docs_dir / "results"
        results_dir.mkdir(parents=True, exist_ok=True)
        (results_dir / f"{_safe(dataset)}.{_safe(batch)}.json").write_text(json.dumps(data), encoding="utf-8")
        return build_data_docs(saved_results(docs_dir), docs_dir / "site")


def saved_results(docs_dir: Path) -> list[dict[str, Any]]:
    """The sanitized results saved for a run, in a stable order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((Path(docs_dir) / "results").glob("*.json"))]
