"""Administrators of the small tree and what the admin answers for a row outside their subtree."""

from __future__ import annotations

from django.test import Client

from orgs.models import User
from tests.helpers import Tree, login, make_user


class Admins:
    def __init__(self, tree: Tree):
        self.city = make_user(tree.city, "admin", "city-admin")
        self.county = make_user(tree.county, "admin", "county-admin")  # 第1县
        self.other_county = make_user(tree.other_county, "admin", "other-county-admin")  # 第2县


def client_for(user: User) -> Client:
    return login(user)


def assert_not_found(response) -> None:
    """The admin answers a row outside the user's subtree as a missing one: back to the index
    with “…不存在”, nothing shown."""
    assert response.status_code == 200, response.status_code
    assert response.redirect_chain and response.redirect_chain[-1][0] == "/admin/"
    assert "不存在" in response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
