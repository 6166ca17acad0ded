"""Every write of the monthly rhythm, one module per family, re-exported here."""

from .sites import (
    site_create,
    site_kinds_install_defaults,
    site_photo_add,
    site_photo_delete,
    site_update,
    site_visit_add,
)

__all__ = [
    "site_create",
    "site_kinds_install_defaults",
    "site_photo_add",
    "site_photo_delete",
    "site_update",
    "site_visit_add",
]
