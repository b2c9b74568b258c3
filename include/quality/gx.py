"""Great Expectations, imported once per process on first use (it takes seconds) and kept quiet."""

from __future__ import annotations

import logging
import warnings
from typing import Any

_STATE: dict[str, Any] = {}


def quiet_gx() -> None:
    """GX logs at INFO (some of its modules force that level) and warns about choices we made on purpose."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("great_expectations") and isinstance(logger, logging.Logger):
            logger.setLevel(logging.ERROR)
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    if not _STATE.get("warnings_filtered"):
        warnings.filterwarnings("ignore", module=r"great_expectations(\..*)?")
        _STATE["warnings_filtered"] = True


def gx_module() -> Any:
    """``great_expectations``, imported on first use (it takes seconds), with its logging turned down."""
    if "gx" not in _STATE:
        quiet_gx()
        import great_expectations

        quiet_gx()  # again: some GX modules set their own logger level when imported
        _STATE["gx"] = great_expectations
    return _STATE["gx"]
