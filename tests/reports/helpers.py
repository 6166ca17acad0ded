"""Units of the small tree driven to the states the documents list, each by its own officials."""

from __future__ import annotations

import io

import docx

from assessments import services
from assessments.models import Assessment
from demo.drive import Cast, drive_to
from orgs.models import Organisation, User
from tests.helpers import make_user


def official(org: Organisation, role: str) -> User:
    return User.objects.filter(org=org, role=role).order_by("pk").first() or make_user(org, role)


def cast_for(org: Organisation) -> Cast:
    """The unit's operator, its parent's reviewer and leader, the recheck unit's reviewer."""
    parent = org.parent
    recheck = parent.parent or parent
    return Cast(
        operator=official(org, "operator"),
        reviewer=official(parent, "reviewer"),
        leader=official(parent, "leader"),
        rechecker=official(recheck, "reviewer"),
    )


def drive(world, org: Organisation, state: str, target: str = "standard") -> Assessment:
    cast = cast_for(org)
    a = services.assessment_declare(org=org, round=world.round, target=target, actor=cast.operator)
    return drive_to(a, state, cast=cast)


def docx_text(content: bytes) -> str:
    """Every paragraph and every table cell of a Word file, one per line."""
    doc = docx.Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            cells = {id(c._tc): c.text for c in row.cells}  # a merged cell once
            lines.append(" | ".join(cells.values()))
    return "\n".join(lines)


def open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))
