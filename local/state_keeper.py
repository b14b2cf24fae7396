"""Saves the local runtime's state every few seconds and on shutdown, off the request path: moto's requests
are paused only while the backends are pickled (not while the file is written), so a snapshot never sees a
half-applied call."""

import threading
import time
from collections.abc import Callable
from contextlib import contextmanager

from servicejob.observability import logger

from .state_file import RuntimeCursors, SnapshotBusy, StateFile, snapshot

SAVE_EVERY_SECONDS = 30.0
DRAIN_TIMEOUT_SECONDS = 5.0
FINAL_SAVE_TIMEOUT_SECONDS = 15.0
_RETRY_SECONDS = 0.2


class MotoRequestGate:
    """WSGI middleware around moto's app: closing it waits for in-flight requests and holds new ones."""

    def __init__(self, app):
        self._app = app
        self._changed = threading.Condition()
        self._in_flight = 0
        self._closed = False

    def __call__(self, environ, start_response):
        with self._changed:
            self._changed.wait_for(lambda: not self._closed)
            self._in_flight += 1
        try:
            return list(self._app(environ, start_response))  # the response is built inside the gate
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    @contextmanager
    def closed(self, timeout: float = DRAIN_TIMEOUT_SECONDS):
        """Yields True once no request is in flight; False if they did not drain in time (the gate is open
        again: a moto call that itself calls moto would otherwise wait forever)."""
        with self._changed:
            self._closed = True
            drained = self._changed.wait_for(lambda: self._in_flight == 0, timeout=timeout)
            if not drained:
                self._closed = False
                self._changed.notify_all()
        try:
            yield drained
        finally:
            if drained:
                with self._changed:
                    self._closed = False
                    self._changed.notify_all()


class StateKeeper:
    def __init__(
        self,
        state_file: StateFile,
        gate: MotoRequestGate,
        cursors: Callable[[], RuntimeCursors],
        every_seconds: float = SAVE_EVERY_SECONDS,
    ):
        self._file = state_file
        self._gate = gate
        self._cursors = cursors
        self._every = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="state-keeper", daemon=True)
        self.last_saved_bytes = 0

    def start(self) -> None:
        self._thread.start()

    def stop_and_save(self) -> bool:
        """The final save, after everything else that writes has stopped; retried while executions finish."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        deadline = time.monotonic() + FINAL_SAVE_TIMEOUT_SECONDS
        saved = self.save_once()
        while not saved and time.monotonic() < deadline:
            time.sleep(_RETRY_SECONDS)
            saved = self.save_once()
        if not saved:
            print(f"local runtime: the state could not be saved; {self._file.path} keeps the previous one")  # noqa: T201
        return saved

    def save_once(self) -> bool:
        # The runtime's positions first: what is delivered after this point is in moto's data and is delivered
        # again after a restore (at least once), never skipped.
        cursors = self._cursors()
        with self._gate.closed() as drained:
            if not drained:
                return False
            try:
                data = snapshot(cursors)
            except (SnapshotBusy, RuntimeError) as error:  # RuntimeError: a dict changed during pickling
                logger.info("state snapshot postponed", extra={"reason": str(error)})
                return False
        self._file.write(data)
        self.last_saved_bytes = len(data)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.save_once()
            except Exception:
                logger.exception("periodic state save failed")
