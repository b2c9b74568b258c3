"""``[core] hostname_callable`` for local workers: several Celery workers on one machine share its name, so
each gets its own (``CROSSCHECK_WORKER_NAME``) and ``task_instance.hostname`` shows which worker ran what.

Airflow 3.3 resolves the option with ``import_string``: a dotted path,
``include.executor.hostname.worker_hostname`` (the ``module:function`` form of Airflow 1.10 no longer works). The task supervisor calls it when a task
starts and on every heartbeat, so it must be cheap and must not import anything heavy.
"""

from __future__ import annotations

import os
import socket

WORKER_NAME_ENV = "CROSSCHECK_WORKER_NAME"
HOSTNAME_CALLABLE = "include.executor.hostname.worker_hostname"


def worker_hostname() -> str:
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()
