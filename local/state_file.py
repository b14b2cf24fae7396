"""The local runtime's saved state: moto's backends for the services the product uses, plus the runtime's own
positions (stream, schedules, event log, mailbox stamps), in one versioned pickle under `.local/state/`.

moto keeps what the APIs cannot export (Cognito passwords and refresh tokens, stream records, execution
histories) only in its model objects, so those are pickled whole, all services in one pickle so objects they
share stay shared. What does not pickle is recreated on load: locks and conditions fresh, RSA keys through PEM.
The file is written by this runtime for this machine only (unpickling runs code: never load a foreign file)."""

import importlib
import io
import json
import os
import pickle
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import moto
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.core.base_backend import BackendDict

from servicejob.observability import logger

# Bump when the payload's shape changes; moto's and Python's versions are part of the key because the
# pickled objects are moto's own classes.
FORMAT = 1
STATE_FILE_NAME = "runtime.pickle"
# moto service names (AccountSpecificBackend.service_name). Not dynamodbstreams (its iterators are per
# process) nor sts (session credentials are not checked locally).
PERSISTED_SERVICES = frozenset(
    {"dynamodb", "cognito-idp", "s3", "ses", "sesv2", "stepfunctions", "events", "scheduler", "iam", "sqs"}
)
_LOCK_TYPE, _RLOCK_TYPE = type(threading.Lock()), type(threading.RLock())


class SnapshotBusy(RuntimeError):
    """Something mid-flight (a running Step Functions execution's thread) cannot be saved now; retry later."""


@dataclass
class RuntimeCursors:
    """What the runtime itself has handled, saved with moto's data so a restart neither repeats nor skips it."""

    stream_positions: dict[str, str] = field(default_factory=dict)  # shard id → last delivered sequence number
    schedule_checks: dict[str, datetime] = field(default_factory=dict)  # schedule ARN → handled up to
    recent_events: list[dict] = field(default_factory=list)  # newest first
    mail_first_seen: dict[str, datetime] = field(default_factory=dict)  # message id → when first listed
    moto_port: int = 0


@dataclass
class SavedState:
    cursors: RuntimeCursors
    backends: list[tuple[str, str, str, str, Any]]  # (module, BackendDict name, account, region, backend)


def _header() -> dict:
    return {"format": FORMAT, "moto": moto.__version__, "python": f"{sys.version_info[0]}.{sys.version_info[1]}"}


def _rsa_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(pem, password=None)


class _StatePickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK_TYPE):
            return threading.Lock, ()
        if isinstance(obj, _RLOCK_TYPE):
            return threading.RLock, ()
        if isinstance(obj, threading.Condition):
            return threading.Condition, (obj._lock,)  # keeps conditions sharing one lock (queue.Queue) sharing it
        if isinstance(obj, threading.Thread):
            raise SnapshotBusy(f"thread {obj.name} is running")
        if isinstance(obj, rsa.RSAPrivateKey):
            pem = obj.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            return _rsa_private_key, (pem,)
        return NotImplemented


def _backend_dict_names() -> dict[int, tuple[str, str]]:
    """id(BackendDict) → (module, global name), to find each dict again after moto's reset."""
    names: dict[int, tuple[str, str]] = {}
    for backend_dict in BackendDict._instances:
        module_name = backend_dict.backend.__module__
        for name, value in vars(sys.modules[module_name]).items():
            if value is backend_dict:
                names[id(backend_dict)] = (module_name, name)
    return names


def capture_backends() -> list[tuple[str, str, str, str, Any]]:
    names = _backend_dict_names()
    captured = []
    for backend_dict in list(BackendDict._instances):
        if backend_dict.service_name not in PERSISTED_SERVICES or id(backend_dict) not in names:
            continue
        module_name, global_name = names[id(backend_dict)]
        for account_id, region, backend in backend_dict.iter_backends():
            captured.append((module_name, global_name, account_id, region, backend))
    return captured


def restore_backends(backends: list[tuple[str, str, str, str, Any]]) -> None:
    """Puts the saved backends in place of moto's (call right after moto's reset, before any request)."""
    for module_name, global_name, account_id, region, backend in backends:
        backend_dict = getattr(importlib.import_module(module_name), global_name)
        backend_dict[account_id][region] = backend


def snapshot(cursors: RuntimeCursors) -> bytes:
    """The state file's bytes; raises SnapshotBusy (or RuntimeError when a dict changes under it) to retry."""
    buffer = io.BytesIO()
    buffer.write(json.dumps(_header()).encode() + b"\n")
    _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(SavedState(cursors, capture_backends()))
    return buffer.getvalue()


class StateFile:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.path = self.directory / STATE_FILE_NAME

    def write(self, data: bytes) -> None:
        """Atomically: a reader (or a crash) sees the previous file or this one, never half of one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".runtime-", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self) -> SavedState | None:
        """The saved state, or None to start empty: no file, another format, or a file that does not load
        (set aside as *.rejected so nothing is silently lost, and warned about)."""
        if not self.path.is_file():
            return None
        try:
            with self.path.open("rb") as file:
                header = json.loads(file.readline())
                if header != _header():
                    self._reject(f"saved by {header}, this runtime is {_header()}")
                    return None
                state = pickle.load(file)  # noqa: S301 — written by this runtime into its own ignored directory
        except Exception as error:  # any corruption: truncated, garbage, classes that moved
            self._reject(f"unreadable ({error!r})")
            return None
        if not isinstance(state, SavedState):
            self._reject(f"unexpected content {type(state).__name__}")
            return None
        return state

    def delete(self) -> None:
        self.path.unlink(missing_ok=True)

    def _reject(self, reason: str) -> None:
        rejected = self.path.with_suffix(".rejected")
        os.replace(self.path, rejected)
        message = f"local runtime: saved state {reason}; starting empty (the old file is kept as {rejected})"
        logger.warning(message)
        print(message, flush=True)  # noqa: T201 — the terminal is where a developer looks
