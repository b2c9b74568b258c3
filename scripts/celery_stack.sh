#!/usr/bin/env bash
# The distributed stack as local processes (no Docker): PostgreSQL metadata + warehouse, Redis broker,
# an execution API server and two Celery workers; runs `crosscheck run --use-executor` once on the
# sandbox, prints which worker ran which task, and removes everything it created. Arguments go to
# stack/celery_stack.py (--date D, --world DIR, --home DIR, --workers N).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m stack.celery_stack "$@"
