"""Listeners of structural tree writes, called inside the tree service's transaction.

The organisation tree sits below the apps that count things per unit (the assessments' rollup),
so it cannot call them; they register here instead, once, from their ``AppConfig.ready``. An
explicit registry rather than signals: the tree service names each call, and the listener runs in
the same transaction, so a rollup can never be committed apart from the move it follows."""

from __future__ import annotations

from typing import Protocol


class TreeListener(Protocol):
    def subtree_detached(self, *, root_id: int, ancestor_ids: list[int], deactivated: bool) -> None:
        """The active subtree of ``root_id`` no longer counts under ``ancestor_ids`` (its strict
        ancestors, root first); ``deactivated``: every unit of it is inactive now."""

    def subtree_attached(self, *, root_id: int, ancestor_ids: list[int], reactivated: bool) -> None:
        """The active subtree of ``root_id`` counts under ``ancestor_ids`` now; ``reactivated``:
        the unit ``root_id`` alone was made active again (everything below it stays inactive)."""


_listeners: list[TreeListener] = []


def register(listener: TreeListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def subtree_detached(*, root_id: int, ancestor_ids: list[int], deactivated: bool) -> None:
    for listener in _listeners:
        listener.subtree_detached(root_id=root_id, ancestor_ids=ancestor_ids, deactivated=deactivated)


def subtree_attached(*, root_id: int, ancestor_ids: list[int], reactivated: bool) -> None:
    for listener in _listeners:
        listener.subtree_attached(root_id=root_id, ancestor_ids=ancestor_ids, reactivated=reactivated)
