"""Working days per jurisdiction: ``include.workdays`` (a foundation module, so the report can count them
too), named here as the notices package's own."""

from __future__ import annotations

from include.workdays import FCRA, MAX_SPAN_DAYS, Calendar, add_working_days, calendar

__all__ = ["FCRA", "MAX_SPAN_DAYS", "Calendar", "add_working_days", "calendar"]
