"""Suite-wide set-up: Airflow state in a throwaway home, never the user's, and the project on sys.path."""

from __future__ import annotations

import os
import sys
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_home = tempfile.mkdtemp(prefix="crosscheck-airflow-")
os.environ.setdefault("AIRFLOW_HOME", _home)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
# the HR page's plugin: its airflow.plugins entry point once the checkout is installed (make install), else
# the plugins folder; both at once would register it twice (Airflow records that as a plugin import error)
_entry_point = any(ep.name == "crosscheck_ui" for ep in entry_points(group="airflow.plugins"))
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(Path(_home) / "plugins" if _entry_point else ROOT / "plugins")
# CROSSCHECK_CONFIG is required (no silent default); library tests run on the demo configuration
os.environ.setdefault("CROSSCHECK_CONFIG", str(ROOT / "sandbox" / "crosscheck.yaml"))
# a task that fails (a refused source, a malformed answer) is tried again after 1 s, not the 20 s a site
# waits: every run spawned by a test inherits it (include/task_timeouts.py)
os.environ.setdefault("CROSSCHECK_TASK_RETRY_DELAY_SECONDS", "1")
