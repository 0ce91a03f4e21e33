"""One owner per experiment folder: a second holder is refused by name, a dead holder's lock is taken over."""
from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
import textwrap

import pytest

from syne_tune.experiment_lock import ExperimentLock, ExperimentLocked, lock_holder

HOLDER = textwrap.dedent("""
    import sys, time
    from syne_tune.experiment_lock import ExperimentLock
    lock = ExperimentLock(sys.argv[1])
    lock.acquire()
    print("held", flush=True)
    time.sleep(60)
""")


@pytest.fixture
def holder(tmp_path):
    """A separate process that holds the lock of ``tmp_path`` until killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert process.stdout.readline().strip() == "held"
    yield process
    process.kill()
    process.wait()


def test_a_second_owner_is_refused_with_the_holders_pid_and_host(tmp_path, holder):
    with pytest.raises(ExperimentLocked, match=f"PID {holder.pid} on host {socket.gethostname()}"):
        ExperimentLock(tmp_path).acquire()
    assert lock_holder(tmp_path)["pid"] == holder.pid


def test_the_lock_of_a_killed_holder_is_taken_over(tmp_path, holder):
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert lock_holder(tmp_path) is None
    with ExperimentLock(tmp_path):
        assert lock_holder(tmp_path)["pid"] == os.getpid()
    assert lock_holder(tmp_path) is None


def test_a_pickled_lock_holds_nothing(tmp_path):
    lock = ExperimentLock(tmp_path)
    lock.acquire()
    copy = pickle.loads(pickle.dumps(lock))
    lock.release()
    copy.acquire()  # the copy took nothing with it: it can take the lock now
    copy.release()


FORKING_HOLDER = textwrap.dedent("""
    import os, sys, time
    from syne_tune.experiment_lock import ExperimentLock
    lock = ExperimentLock(sys.argv[1])
    lock.acquire()
    if os.fork() == 0:  # as a trial process between fork and exec: it holds a copy of the descriptor
        time.sleep(1.0)
        os._exit(0)
    print("held", flush=True)
    time.sleep(60)
""")


def test_a_dead_holders_lock_that_a_forked_child_still_holds_is_taken_once_the_child_lets_go(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", FORKING_HOLDER, str(tmp_path)], stdout=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert process.stdout.readline().strip() == "held"
    process.send_signal(signal.SIGKILL)
    process.wait()
    with ExperimentLock(tmp_path):  # the holder is dead: its child's copy is waited for, not refused
        assert lock_holder(tmp_path)["pid"] == os.getpid()
