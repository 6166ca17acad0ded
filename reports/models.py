"""The models of the reports app live with the part that uses them."""

from reports.documents.models import DocumentSettings

__all__ = ["DocumentSettings"]
