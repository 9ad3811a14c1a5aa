"""Showing a service's refusal on the form the user filled in, so nothing they typed is lost."""

from django.utils.translation import gettext as _


def apply_service_errors(form, exc, default_field=None):
    """Map a service's ValidationError onto the form: errors keyed by a field the form has go on that field,
    other keyed errors become non-field errors, and a plain message list goes on ``default_field`` (e.g. the
    officers field for "at least two certified officers")."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc.messages)


def permission_message(exc):
    """The PermissionDenied text a service raised, or the generic Chinese refusal."""
    return str(exc) or _("您没有执行该操作的权限。")
