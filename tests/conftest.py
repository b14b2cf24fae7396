"""Settings shared by every suite: fake AWS credentials and region, tracing off, one marker per folder.

Set at import, before anything reads `get_settings()` or creates a boto3 session.
"""

import os
from pathlib import Path

import pytest

for name, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-east-1",
    "AWS_REGION": "ap-east-1",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_DEV": "0",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(name, value)

_SUITES = {"unit", "integration", "e2e", "browser", "isolation", "contract", "infrastructure"}
_TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The folder is the suite: `-m unit` selects tests/unit without per-test decorators.
    for item in items:
        relative = Path(item.path).relative_to(_TESTS_DIR) if Path(item.path).is_relative_to(_TESTS_DIR) else None
        if relative is not None and relative.parts and relative.parts[0] in _SUITES:
            item.add_marker(relative.parts[0])
