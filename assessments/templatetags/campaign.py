from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:key }}``: a dict lookup by a variable key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
