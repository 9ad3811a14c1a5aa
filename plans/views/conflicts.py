"""回避申报: an officer declares their own relation to an enterprise and may withdraw it; the legal
section sees the declarations of the officers in its scope (国发〔2019〕5号: conflicted inspectors recuse)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enforcement.enterprises.models import Enterprise
from enforcement.web.service_errors import apply_service_errors, permission_message
from plans import services
from plans.forms import ConflictForm
from plans.models import ConflictDeclaration
from plans.views.common import PAGE_SIZE, querystring, search_enterprises


@login_required
@require_http_methods(["GET", "POST"])
def conflict_list(request):
    user = request.user
    can_declare = user.has_perm("plans.add_conflictdeclaration")
    can_view_others = user.has_perm("plans.view_conflictdeclaration")
    own = list(ConflictDeclaration.objects.filter(officer=user).select_related("enterprise").order_by("-declared_at"))
    if not (can_declare or can_view_others or own):
        raise PermissionDenied(_("您没有查看回避申报的权限。"))
    form, enterprise, results, q = None, None, [], request.GET.get("q", "")
    if can_declare:
        raw = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
        if raw.isdigit():
            enterprise = Enterprise.objects.restrict(user, "view").filter(pk=int(raw)).first()
        form = ConflictForm(
            request.POST if request.method == "POST" else None,
            user=user,
            initial={"enterprise": enterprise.pk if enterprise else None},
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.declare_conflict(user, form.cleaned_data["enterprise"], form.cleaned_data["relation"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, permission_message(exc))
            else:
                messages.success(
                    request,
                    _("已申报与“%(name)s”的利害关系；双随机抽取将不再安排您检查该单位。")
                    % {"name": form.cleaned_data["enterprise"].name},
                )
                return redirect("plans:conflict_list")
        if enterprise is None:
            results = search_enterprises(Enterprise.objects.restrict(user, "view"), q)
            if request.GET.get("partial"):
                # The picker's live search asks for just the result list.
                return render(
                    request,
                    "plans/_enterprise_results.html",
                    {
                        "results": results,
                        "q": q,
                        "plan": None,
                        "pick_url": request.path,
                        "declared": {c.enterprise_id for c in own},
                    },
                )
    elif request.method == "POST":
        raise PermissionDenied(_("您没有申报回避的权限。"))
    others = None
    if can_view_others:
        scoped = (
            ConflictDeclaration.objects.restrict(user, "view")
            .exclude(officer=user)
            .select_related("officer__organisation", "enterprise")
            .order_by("-declared_at", "-pk")
        )
        others = Paginator(scoped, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/conflicts.html",
        {
            "own": own,
            "others": others,
            "form": form,
            "enterprise": enterprise,
            "results": results,
            "q": q,
            "pick_url": request.path,
            "declared": {c.enterprise_id for c in own},
            "page_query": querystring(request, "page"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def conflict_withdraw(request, pk):
    try:
        services.withdraw_conflict(request.user, pk)
    except ConflictDeclaration.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("已撤回该回避申报。"))
    return redirect("plans:conflict_list")
