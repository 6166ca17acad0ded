"""The API's JSON renderer (a setting: it must not import DRF's views, which read the setting)."""

from __future__ import annotations

import json

from rest_framework.renderers import JSONRenderer as DrfJSONRenderer


class JsonRows:
    """A list's rows already written as JSON objects (texts), for ``JSONRenderer`` to splice into
    the answer as they are. Anything else that tries to encode them fails loudly."""

    __slots__ = ("texts",)

    def __init__(self, texts: list[str]):
        self.texts = texts

    def __len__(self) -> int:
        return len(self.texts)


class JSONRenderer(DrfJSONRenderer):
    """DRF's JSON, and a paginated answer whose ``results`` are ``JsonRows``: the envelope as
        DRF writes it, the rows spliced in (``results`` is the envelope's last key). Indented (the
    browsable API), the rows are read back and written indented like the rest."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and isinstance(data.get("results"), JsonRows):
            *_, last = data
            if last != "results":
                raise ValueError("JsonRows must be the last key of the answer")
            envelope = {k: v for k, v in data.items() if k != "results"}
            if self.get_indent(accepted_media_type, renderer_context or {}):  # for a person: re-read
                rows = [json.loads(text) for text in data["results"].texts]
                return super().render({**envelope, "results": rows}, accepted_media_type, renderer_context)
            head = super().render(envelope, accepted_media_type, renderer_context).rstrip()
            rows = ",".join(data["results"].texts).encode()
            comma = b"," if envelope else b""
            return head[:-1] + comma + b'"results":[' + rows + b"]}"
        return super().render(data, accepted_media_type, renderer_context)
