import pytest

from tests.running_product import RunningProduct


@pytest.fixture(scope="session")
def product():
    running = RunningProduct.start("isolation")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def tenant_a(product):
    return product.new_tenant_owner()


@pytest.fixture(scope="session")
def tenant_b(product):
    return product.new_tenant_owner(locale="zh-Hans")
