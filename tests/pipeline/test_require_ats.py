"""At least one ATS must be defined; without one the run stops at its first task, saying why."""

import json

import pytest

from include.pipeline.tasks import require_an_ats
from plugins.hooks.sources import AirflowSources


def test_no_ats_connection_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GREENHOUSE_DEFAULT", raising=False)
    monkeypatch.delenv("AIRFLOW_CONN_LEVER_DEFAULT", raising=False)
    with pytest.raises(RuntimeError, match="greenhouse_default or lever_default"):
        require_an_ats(AirflowSources())


def test_one_ats_is_enough(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GREENHOUSE_DEFAULT", raising=False)
    monkeypatch.setenv("AIRFLOW_CONN_LEVER_DEFAULT", json.dumps({"conn_type": "http", "password": "k"}))
    require_an_ats(AirflowSources())
