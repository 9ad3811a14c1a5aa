"""Enterprise register pages: list, detail with its enforcement and change history, create, edit, delete.

Every page fetches through ``Enterprise.objects.restrict(user, action)``, so a record outside the
user's scope is simply not found (404). Writes go through ``enterprises.services``.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from enforcement.audit.services import history_for
from enforcement.enterprises import services
from enforcement.enterprises.filters import EnterpriseFilter
from enforcement.enterprises.forms import EnterpriseForm
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import Organisation
from enforcement.web.enterprise_history import history_for as enforcement_history_for
from enforcement.web.querystring import querystring
from enforcement.web.service_errors import refusals_on

PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 50
LIST_RELATED = ("organisation", "responsible_org", "sector")
EMPTY = "—"


def _page_size(request):
    try:
        size = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _polish_filter_form(form, user):
    """Friendlier widgets for the shared filter form (labels "全部", an indented organisation tree)."""
    everything = gettext_lazy("全部")
    org_field = form.fields["organisation"]
    org_field.empty_label = everything
    # The choices are ordered by materialised path: indent each by its depth below the user's own level.
    depth = user.organisation.depth if user.organisation_id else 1
    org_field.label_from_instance = lambda obj: "\u3000" * max(0, obj.depth - depth) + obj.name
    form.fields["sector"].empty_label = everything
    for name, choices in (
        ("supervision_class", Enterprise.SupervisionClass.choices),
        ("credit_status", Enterprise.CreditStatus.choices),
    ):
        # Re-assigning the choices rebinds django-filter's choice iterator to this form's field.
        form.fields[name].empty_label = None
        form.fields[name].choices = [("", everything), *choices]
    form.fields["major_hazard_source"].widget = forms.Select(
        choices=[("", everything), ("true", gettext_lazy("是")), ("false", gettext_lazy("否"))]
    )
    form.fields["q"].widget.input_type = "search"
    form.fields["q"].widget.attrs["placeholder"] = _("输入单位名称或信用代码")


@login_required
def enterprise_list(request):
    user = request.user
    base = Enterprise.objects.restrict(user, "view").select_related(*LIST_RELATED)
    filterset = EnterpriseFilter(request.GET, queryset=base, request=request)
    _polish_filter_form(filterset.form, user)
    # An invalid filter (an organisation outside the scope, say) shows the form's error and no rows,
    # rather than silently dropping the bad criterion and listing everything.
    queryset = filterset.qs if filterset.is_valid() else base.none()
    per_page = _page_size(request)
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/list.html",
        {
            "filter": filterset,
            "page": page,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "page_query": querystring(request, "page"),
            "size_query": querystring(request, "page", "per_page"),
            "export_query": querystring(request, "page", "per_page"),
            "filtered": any(v for k, v in request.GET.items() if k in filterset.form.fields),
        },
    )


def _display(enterprise, name):
    field = Enterprise._meta.get_field(name)
    if field.choices:
        return getattr(enterprise, f"get_{name}_display")()
    value = getattr(enterprise, name)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value in (None, ""):
        return EMPTY
    return value


DETAIL_GROUPS = (
    (gettext_lazy("基本信息"), ("credit_code", "name", "address", "sector", "created_at", "updated_at")),
    (
        gettext_lazy("监管信息"),
        (
            "organisation",
            "responsible_org",
            "supervision_class",
            "class_reason",
            "standardisation_grade",
            "credit_status",
            "last_accident_on",
        ),
    ),
    (gettext_lazy("风险标识"), Enterprise.RISK_FLAGS),
    (gettext_lazy("联系人"), ("principal_person", "principal_phone", "contact_person", "contact_phone")),
)


def _detail_groups(enterprise):
    groups = []
    for title, names in DETAIL_GROUPS:
        rows = [
            {
                "label": Enterprise._meta.get_field(n).verbose_name,
                "name": n,
                "value": _display(enterprise, n),
                # Risk flags that are set stand out, so a reader scanning the card sees them first.
                "flag": n in Enterprise.RISK_FLAGS and getattr(enterprise, n),
            }
            for n in names
        ]
        groups.append((title, rows))
    return groups


class _HistoryFormatter:
    """Turns stored audit values (FK ids, choice codes, booleans) into what people read."""

    def __init__(self, events):
        org_ids, sector_ids = set(), set()
        for event in events:
            for name, pair in event.changes.items():
                target = org_ids if name in ("organisation", "responsible_org") else sector_ids
                if name in ("organisation", "responsible_org", "sector"):
                    target.update(v for v in pair if v is not None)
        # One query each, only for ids that appear. Names of the enterprise's own current or former
        # organisations are no secret to someone allowed to read its history, so no restrict() here.
        self.org_names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name")) if org_ids else {}
        self.sector_names = (
            dict(Sector.objects.filter(pk__in=sector_ids).values_list("pk", "name")) if sector_ids else {}
        )

    def value(self, name, value):
        if value is None or value == "":
            return EMPTY
        if name in ("organisation", "responsible_org"):
            return self.org_names.get(value, _("（已删除的单位 #%(id)s）") % {"id": value})
        if name == "sector":
            return self.sector_names.get(value, _("（已删除的行业 #%(id)s）") % {"id": value})
        if isinstance(value, bool):
            return _("是") if value else _("否")
        try:
            field = Enterprise._meta.get_field(name)
        except Exception:  # a field since removed from the model: show the raw value
            return value
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    def label(self, name):
        try:
            return Enterprise._meta.get_field(name).verbose_name
        except Exception:
            return name

    def changes(self, event):
        """(mode, rows): "diff" shows old → new; "created"/"removed" list the values a record had."""
        pairs = event.changes
        if pairs and all(old is None for old, _new in pairs.values()):
            mode = "created"
        elif pairs and all(new is None for _old, new in pairs.values()):
            mode = "removed"
        else:
            mode = "diff"
        order = {name: i for i, name in enumerate(Enterprise.TRACKED_FIELDS)}
        rows = []
        for name in sorted(pairs, key=lambda n: order.get(n, len(order))):
            old, new = pairs[name]
            # A creation (or deletion) lists every field; blank ones only add noise there.
            if mode != "diff" and (new if mode == "created" else old) in (None, "", False):
                continue
            rows.append({"label": self.label(name), "old": self.value(name, old), "new": self.value(name, new)})
        return mode, rows


def _history(enterprise):
    events = list(history_for(enterprise))
    formatter = _HistoryFormatter(events)
    history = []
    for event in events:
        mode, rows = formatter.changes(event)
        history.append({"event": event, "mode": mode, "changes": rows})
    return history


@login_required
@require_GET  # a page that only reads: a POST is no write a shared-for-viewing user may make
def enterprise_detail(request, pk):
    user = request.user
    enterprise = get_object_or_404(Enterprise.objects.restrict(user, "view").select_related(*LIST_RELATED), pk=pk)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "groups": _detail_groups(enterprise),
            "history": _history(enterprise),
            # Plans, inspections, hazards and documents, contributed by the domain apps.
            "enforcement": enforcement_history_for(user, enterprise),
            "can_change": Enterprise.objects.restrict(user, "change").filter(pk=pk).exists(),
            "can_delete": Enterprise.objects.restrict(user, "delete").filter(pk=pk).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    user = request.user
    if not user.has_perm("enterprises.add_enterprise"):
        raise PermissionDenied(_("您没有新增生产经营单位的权限。"))
    initial = {}
    if user.organisation_id and Organisation.objects.restrict(user, "view").filter(pk=user.organisation_id).exists():
        initial["organisation"] = user.organisation_id
    form = EnterpriseForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as call:
            enterprise = services.create_enterprise(user, form.instance)
        if call.ok:
            messages.success(request, _("已登记生产经营单位“%(name)s”。") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
        # The failed save ran in a rolled-back transaction; do not let the form believe it has a row.
        form.instance.pk = None
    return render(request, "enterprises/form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    user = request.user
    enterprise = get_object_or_404(Enterprise.objects.restrict(user, "change").select_related(*LIST_RELATED), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=user)
    if request.method == "POST" and form.is_valid():
        # Only what the user changed: a concurrent edit of other fields is not overwritten.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        with refusals_on(form, not_found=(Enterprise.DoesNotExist,)) as call:
            enterprise = services.update_enterprise(user, pk, changes)
        if call.ok:
            messages.success(request, _("已保存“%(name)s”的修改。") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "creating": False, "enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_delete(request, pk):
    user = request.user
    enterprise = get_object_or_404(Enterprise.objects.restrict(user, "delete").select_related(*LIST_RELATED), pk=pk)
    if request.method == "POST":
        try:
            services.delete_enterprise(user, pk)
        except Enterprise.DoesNotExist as exc:
            raise Http404 from exc
        except ProtectedError:
            messages.error(request, _("该单位已有关联的业务记录，不能删除。"))
            return redirect("enterprises:detail", pk=pk)
        messages.success(request, _("已删除生产经营单位“%(name)s”。") % {"name": enterprise.name})
        return redirect("enterprises:list")
    return render(request, "enterprises/delete.html", {"enterprise": enterprise})
