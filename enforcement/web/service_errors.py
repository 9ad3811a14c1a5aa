"""Showing a service's refusal on the form the user filled in, so nothing they typed is lost."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
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


class ServiceCall:
    """What became of the block run under ``refusals_on``: ``ok`` once it finished without a refusal."""

    ok = False


@contextmanager
def refusals_on(form, not_found=(), default_field=None, adapt=None):
    """Run a service call and put its refusal on ``form`` instead of an error page.

    A service refuses with a ValidationError (shown through ``apply_service_errors``, plain messages on
    ``default_field``; ``adapt`` may first rewrite it, e.g. to move a message onto a field the form has) or a
    PermissionDenied (a non-field error, see ``permission_message``). Either way the view goes on to render
    the form the user filled in, bound to what they typed, with the reason beside it, so nothing is lost.
    The ``not_found`` exceptions (a row deleted or moved out of scope meanwhile) become Http404; anything
    else propagates. ``call.ok`` is True only when the block finished: then the view redirects::

        with refusals_on(form, not_found=(Draw.DoesNotExist,)) as call:
            new = services.redraw(user, draw.pk, reason)
        if call.ok:
            return redirect(...)
    """
    call = ServiceCall()
    try:
        yield call
    except not_found as exc:
        raise Http404 from exc
    except ValidationError as exc:
        apply_service_errors(form, adapt(exc) if adapt else exc, default_field=default_field)
    except PermissionDenied as exc:
        form.add_error(None, permission_message(exc))
    else:
        call.ok = True


def ask_to_choose_files_again(form, request, field):
    """After a refused submit the page comes back with everything typed, but no browser lets a page refill a
    file input: say so on the file field, so a chosen file is never dropped without a word."""
    if request.FILES and field in form.fields:
        form.add_error(field, _("出于安全原因，浏览器不会保留已选的文件，请重新选择。"))
