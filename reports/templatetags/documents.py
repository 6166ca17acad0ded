"""``{% load documents %}``: whether a page offers the links to the printed documents."""

from django import template

from reports.documents import policy

register = template.Library()


@register.filter
def may_issue_documents(user) -> bool:
    """``{% if user|may_issue_documents %}``: the leaders and administrators who print a unit's
    公示, 命名 and 通报批评 (the pages check it again)."""
    return policy.may_issue_documents(user)
