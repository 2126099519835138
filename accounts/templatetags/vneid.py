"""{% vneid_enabled as vneid_on %}: whether the sign-in pages offer the VNeID button."""

from django import template

from accounts.vneid import vneid_enabled as _enabled

register = template.Library()


@register.simple_tag
def vneid_enabled() -> bool:
    return _enabled()
