"""The original library's module name of :class:`GPFIFOSearcher` (now in ``gp_searcher``)."""
from __future__ import annotations

from syne_tune.optimizer.schedulers.searchers.gp_searcher import GPFIFOSearcher

__all__ = ["GPFIFOSearcher"]
