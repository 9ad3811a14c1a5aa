"""``{% site_nav as entries %}``: the navigation entries of the signed-in user (enforcement.web.navigation)."""

from django import template

from enforcement.web.navigation import nav_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_nav(context):
    request = context.get("request")
    if request is None:
        return []
    return nav_for(request.user, getattr(request, "resolver_match", None))
