"""The auditors' menu entry: shown only to holders of audit.view_auditevent, like the page itself."""

from django.utils.translation import gettext_lazy as _


def register():
    from enforcement.web.navigation import NavEntry, has_perm, in_namespace, register_nav

    entry = NavEntry("audit", _("安全审计"), "audit:log", has_perm("audit.view_auditevent"), in_namespace("audit"), 85)
    register_nav(entry)
