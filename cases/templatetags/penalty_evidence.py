"""{% evidence_panel %}: a penalty case's evidence list and uploader, from the ``case`` and ``request`` in the page's
context (the case page includes templates/cases/penalties/_evidence.html, which is this tag)."""

from django import template

register = template.Library()


@register.inclusion_tag("cases/penalties/_evidence_panel.html", takes_context=True)
def evidence_panel(context):
    from cases.penalties.evidence import evidence_context

    case, request = context["case"], context["request"]
    return {
        "case": case,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        **evidence_context(request.user, case),
    }
