"""Filter pieces shared by the FilterSets of every app. A FilterSet serves a page and the API
alike: the API answers an invalid value with a JSON 400 naming the field (DjangoFilterBackend),
a page leaves the value out and shows the list unfiltered by it (``applied``)."""

from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from .api import ID_MAX, whole_number


class WholeNumberFormField(forms.Field):
    """``whole_number`` as a form field: empty is None, anything else not a whole number an error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return whole_number(value)
        except ValueError:
            raise forms.ValidationError(f"应为 0 到 {ID_MAX} 之间的整数", code="invalid") from None


class IdFilter(filters.Filter):
    """A whole number (``whole_number``): an id or a year."""

    field_class = WholeNumberFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = {"type": "integer", "minimum": 0, "maximum": ID_MAX}
        if label := kwargs.get("label"):
            schema["description"] = label
        extend_schema_field(schema)(self)


class StrictBooleanField(forms.Field):
    """``true``/``1``/``yes`` or ``false``/``0``/``no`` (any case); anything else is an error
    rather than silently no filter."""

    TRUE = frozenset({"1", "true", "yes"})
    FALSE = frozenset({"0", "false", "no"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("应为 true 或 false", code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # The plain text input hands the field what was sent (DRF's boolean widget turns an
        # unknown word into "no filter" before the field could refuse it).
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


def choice_filter(choices, **kwargs) -> filters.ChoiceFilter:
    """One of ``choices``; an unknown value's error lists the ones there are."""
    values = "、".join(str(value) for value, _label in choices)
    return filters.ChoiceFilter(
        choices=choices,
        error_messages={"invalid_choice": f"“%(value)s”无效：可选 {values}"},
        **kwargs,
    )


def applied(filterset) -> dict[str, str]:
    """The parameters a page applies, as given: the valid and non-empty ones. For the filter
    form and the pager's query string; invalid values are left out, and so ignored."""
    filterset.is_valid()
    return {
        name: filterset.data[name]
        for name, value in filterset.form.cleaned_data.items()
        if value is not None and value != "" and value is not False
    }
