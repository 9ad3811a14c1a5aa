"""The notifications page: the user's own notifications, newest first, each marked read on demand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.notifications import services
from enforcement.notifications.models import Notification
from enforcement.web.querystring import querystring

PER_PAGE = 30


@login_required
@require_GET
def notification_list(request):
    rows = Notification.objects.restrict(request.user).select_related("organisation")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.unread()
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "page_query": querystring(request, "page"), "unread_only": unread_only}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request, pk):
    """Mark one of the user's notifications read; with ``open`` go on to what it is about."""
    try:
        notification = services.mark_read(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    target = notification.url
    if "open" in request.POST and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("已将%(n)d条通知标为已读。") % {"n": count})
    return redirect("notifications:list")
