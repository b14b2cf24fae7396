import pytest

from tests.running_product import RunningProduct


@pytest.fixture(scope="session")
def product():
    """One local runtime for the e2e session; every test signs up its own tenant on it."""
    running = RunningProduct.start("e2e")
    yield running
    running.stop()
