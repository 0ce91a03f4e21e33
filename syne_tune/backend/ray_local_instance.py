"""A local Ray instance that ends with the process that started it, SIGKILL included.

``ray.init()`` without an address starts a head node (GCS, raylet, agents, workers) as children
of the launcher. Killed with SIGKILL, the launcher leaves them behind; Ray's agents, for one,
linger for about a minute. Here the instance is started under the environment marker of a
guardian (:mod:`~syne_tune.backend.process_guard`, the one LocalBackend uses): every process of
the instance inherits the marker, and the guardian kills them all once the launcher is gone.
Ray's agents overwrite their environment with their title, and their parent (raylet) dies with
the launcher, so the guardian also remembers what it finds every ``_WATCH_SECONDS`` and kills that.

A runner's trial processes carry a marker that extends this one (see ``TrialRunner``), so the
guardian reaches them even after they left the Ray process tree.
"""
from __future__ import annotations

import subprocess
import uuid

from syne_tune.backend.process_guard import marking_new_processes, start_guardian

_TOKEN = uuid.uuid4().hex[:16]  # one per launcher process: Ray allows one instance per process
_guardian: subprocess.Popen | None = None
_WATCH_SECONDS = 1.0  # a scan of /proc costs a few ms


def init_local_ray(**ray_init_kwargs) -> None:
    """``ray.init(address=None, **ray_init_kwargs)`` with every process of the new instance marked
    for this process's guardian, which kills them within a second of this process's death."""
    import ray

    global _guardian
    if _guardian is None or _guardian.poll() is not None:
        _guardian = start_guardian(_TOKEN, watch_seconds=_WATCH_SECONDS)  # before the marking: the guardian must not carry the marker
    with marking_new_processes(f"{_TOKEN}:ray"):
        ray.init(address=None, **ray_init_kwargs)
