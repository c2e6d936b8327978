"""The parent's side: worker processes, one pipe each, a deadline per document, replacement on loss.

One pipe per worker (not a shared queue) means a worker killed mid-message can never corrupt what the
other workers send.

Workers are forked from a fork server (``multiprocessing``'s ``forkserver``) that has already imported
the pipeline and built the checker (:mod:`checker.isolate.warm`), so a worker starts in milliseconds
instead of importing and building everything again. The server is a clean single-threaded process, so
forking from it is as safe beside Streamlit's threads as spawning was; where there is no fork server
(Windows) workers are spawned. The server's workers inherit the environment the server started with,
so a changed environment restarts the server.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from checker.isolate.jobs import IsolationLimits, Job, Reader
from checker.isolate.worker import worker_main

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext
    from multiprocessing.process import BaseProcess

    from checker.library.schema import Playbook
    from checker.models import InputError

__all__ = [
    "WARM_MODULE",
    "Pending",
    "Pool",
    "Worker",
    "exit_reason",
    "in_child_process",
    "prestart",
    "worker_context",
]

#: Seconds a worker may take to start (spawn, imports, building the checker) before the run gives up.
STARTUP_S = 180.0
#: The module the fork server imports before it forks any worker: it builds the checker.
WARM_MODULE = "checker.isolate.warm"

_server_lock = threading.Lock()
_server_env: dict[str, str] = {}  # the environment the fork server was started with (empty: not started)


def worker_context() -> ForkServerContext | SpawnContext:
    """The context workers start from: the warm fork server, started (or restarted) as needed; else spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    env = dict(os.environ)
    with _server_lock:
        if _server_env == env:
            multiprocessing.forkserver.ensure_running()  # restarts it, with the same environment, if it died
            return ctx
        if _server_env:
            stop = getattr(multiprocessing.forkserver._forkserver, "_stop", None)
            if stop is None:  # this Python cannot restart it: spawned workers see the current environment
                return multiprocessing.get_context("spawn")
            stop()
        ctx.set_forkserver_preload([WARM_MODULE])
        multiprocessing.forkserver.ensure_running()
        _server_env.clear()
        _server_env.update(env)
    return ctx


def prestart() -> None:
    """Start the fork server now, so that it builds the checker while the caller does other work.

    The CLI calls it before it loads the library; the app calls it when the server starts. In a worker
    (which may be running its parent's main script again) it does nothing.
    """
    if not in_child_process():
        worker_context()


def in_child_process() -> bool:
    """Whether this process was started by ``multiprocessing`` (a worker), even while it is still
    re-running its parent's main script (before ``parent_process()`` is set, the name already is)."""
    return (
        multiprocessing.parent_process() is not None
        or multiprocessing.current_process().name != "MainProcess"
    )


@dataclass
class Pending:
    """A job waiting for a worker, with the documents already lost from it in earlier attempts."""

    job: Job
    found: list[InputError] = field(default_factory=list)


@dataclass
class Worker:
    """A worker process, its pipe, and the job and document it is on."""

    process: BaseProcess
    conn: Connection
    started: float
    ready: bool = False
    job: Job | None = None
    doc_index: int = 0
    deadline: float = 0.0
    found: list[InputError] = field(default_factory=list)

    def late(self, now: float) -> bool:
        """Whether its current document is past its deadline."""
        return self.job is not None and now > self.deadline


class Pool:
    """The workers, forked from the warm fork server (see the module docstring)."""

    def __init__(
        self, size: int, library: str | None, playbook: Playbook, limits: IsolationLimits, reader: Reader
    ) -> None:
        self.ctx = worker_context()
        self.args = (library, playbook, limits, reader)
        self.limits = limits
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=worker_main, args=(child, *self.args), daemon=True)
        proc.start()
        child.close()
        return Worker(proc, parent, started=time.monotonic())

    def replace(self, worker: Worker) -> None:
        """Kill ``worker`` (if it still runs) and start a fresh one in its place."""
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()

    def idle(self) -> list[Worker]:
        """Workers that are ready and have no job."""
        return [w for w in self.workers if w.ready and w.job is None]

    def busy(self) -> list[Worker]:
        """Workers on a job."""
        return [w for w in self.workers if w.job is not None]

    def dispatch(self, worker: Worker, pending: Pending) -> None:
        """Send a job to an idle worker and start the clock of its first document."""
        worker.job, worker.found, worker.doc_index = pending.job, pending.found, 0
        worker.deadline = time.monotonic() + self.limits.timeout_s
        worker.conn.send(pending.job)

    def close(self) -> None:
        """Ask every worker to stop; kill those that do not."""
        for w in self.workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in self.workers:
            w.process.join(2)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(2)
            w.conn.close()


def exit_reason(process: BaseProcess) -> str:
    """How a worker ended: "signal SIGKILL", "exit code 1"."""
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"
