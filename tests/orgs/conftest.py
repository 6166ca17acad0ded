import pytest

from tests.orgs.admin_helpers import Admins


@pytest.fixture
def admins(tree) -> Admins:
    return Admins(tree)
