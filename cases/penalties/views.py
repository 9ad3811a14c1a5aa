"""Penalty-case pages, made for an officer with a 10-inch tablet and a legal reviewer at a desk.

Every page fetches through ``PenaltyCase.objects.restrict(user, action)``: a case outside the user's scope is simply
not found (404). The city sees its counties' cases read-only: no action panel, and a POST is refused (403). Every
state change goes through ``cases.penalties.services``; a refusal (a legal gate, in Chinese with its article) is
shown on the form that was submitted, re-rendered with everything typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.inspections.models import Hazard, Inspection
from cases.penalties import actions as panel
from cases.penalties import queries, services, steps
from cases.penalties.forms import BoardFilterForm, CaseFilterForm, OpenCaseForm
from cases.penalties.graph import procedure_graph
from cases.penalties.models import CaseEvent, CaseParty, Deadline, Delivery, Evidence, PenaltyCase, StepRecord
from enforcement.documents.models import IssuedDocument
from enforcement.documents.sources import documents_for, source_key
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User
from enforcement.orgs.scoping import org_scope_q
from enforcement.orgs.services import team_candidates
from enforcement.web.querystring import querystring
from enforcement.web.service_errors import apply_service_errors, permission_message

PAGE_SIZE = 20
BOARD_SIZE = 50
EVIDENCE_TEMPLATE = "cases/penalties/_evidence.html"
DRAFT_DONE = "cases_draft_done"


def scoped_cases(user, action="view"):
    """The cases ``user`` may see (restrict(); a legal reviewer: the cases sent for review, queries.cases_for)."""
    return queries.cases_for(user, action)


def _case_for(user, pk):
    return get_object_or_404(
        scoped_cases(user).select_related(
            "organisation", "enterprise", "source_inspection", "source_hazard", "reviewer", "created_by"
        ),
        pk=pk,
    )


def _int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _own_officers(organisation):
    """Officers certified today (R-50) of the case's own organisation and of the body that delegated its powers
    to it (R-55): who may be named on the case's acts. Other bureaus' officers do not handle its cases."""
    bodies = [pk for pk in (organisation.pk, organisation.delegated_by_id) if pk]
    return User.objects.filter(
        pk__in=team_candidates(organisation).filter(organisation__in=bodies).values("pk")
    ).order_by("full_name", "username")


# --- the case list ---------------------------------------------------------------------------------


@login_required
@require_GET
def case_list(request):
    user = request.user
    if not user.has_perm("cases.view_penaltycase"):
        raise PermissionDenied(_("您没有查看行政处罚案件的权限。"))
    today = timezone.localdate()
    officers = User.objects.none()
    # The certified officers (行政执法证, R-50) of the organisations whose cases the user reads: who may be 承办人
    # of them. A user without a case role, or one who sees only what is shared with them, is offered nobody.
    scope = org_scope_q(user, "organisation") if user.has_perm("cases.view_penaltycase") else None
    if scope is not None:
        officers = User.objects.filter(scope, certificates__isnull=False).distinct().order_by("full_name", "username")
    form = CaseFilterForm(request.GET or None, officers=officers)
    open_deadlines = Deadline.objects.filter(Deadline.due_q(), case=OuterRef("pk"))
    cases = (
        scoped_cases(user)
        .prefetch_related(Prefetch("officers", queryset=User.objects.order_by("full_name", "username")))
        # Correlated subqueries, not a GROUP BY over the whole scope: computed for the page's rows only.
        .annotate(
            next_due=Subquery(open_deadlines.order_by("due_on").values("due_on")[:1]),
            is_overdue=Exists(open_deadlines.filter(due_on__lt=today)),
        )
        .order_by("-created_at", "-id")
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        for name in ("state", "procedure", "source"):
            if data[name]:
                cases = cases.filter(**{name: data[name]})
        if data["enterprise"]:
            q = data["enterprise"].strip()
            cases = cases.filter(
                Q(enterprise__name__icontains=q)
                | Q(enterprise__credit_code__istartswith=q.upper())
                | Q(cause__icontains=q)
            )
        if data["officer"]:
            cases = cases.filter(officers=data["officer"])
        if data["overdue"]:
            cases = cases.filter(is_overdue=True)
    elif form.is_bound:
        cases = cases.none()
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/penalties/case_list.html",
        {
            "form": form,
            "page": page,
            "page_query": querystring(request, "page"),
            "today": today,
            "can_open": user.has_perm("cases.add_penaltycase") and user.organisation_id is not None,
            "can_board": user.has_perm("cases.view_deadline"),
        },
    )


# --- opening a case --------------------------------------------------------------------------------


def _prefill(request, user):
    """Initial values from where the case comes from: an inspection, a hazard or an enterprise of the register."""
    initial, source = {}, {}
    if request.GET.get("inspection"):
        inspection = get_object_or_404(
            Inspection.objects.restrict(user, "view").select_related("enterprise"),
            pk=_int_or_404(request.GET["inspection"]),
        )
        findings = [r.text + (f"（{r.note}）" if r.note else "") for r in inspection.results.filter(compliant=False)]
        findings += [h.description for h in inspection.hazards.order_by("found_on", "id")]
        initial.update(
            source=PenaltyCase.Source.INSPECTION,
            enterprise=inspection.enterprise,
            source_detail=_("%(date)s 现场检查发现") % {"date": inspection.inspected_on.isoformat()},
            facts="\n".join(findings),
            officers=[u.pk for u in inspection.officers.all()],
        )
        source["source_inspection"] = inspection
    elif request.GET.get("hazard"):
        hazard = get_object_or_404(
            Hazard.objects.restrict(user, "view").select_related("inspection__enterprise"),
            pk=_int_or_404(request.GET["hazard"]),
        )
        initial.update(
            source=PenaltyCase.Source.HAZARD,
            enterprise=hazard.inspection.enterprise,
            source_detail=_("隐患整改期限 %(date)s，逾期未整改或复查不合格")
            % {"date": hazard.current_deadline.isoformat()},
            facts=hazard.description,
            officers=[u.pk for u in hazard.inspection.officers.all()],
        )
        source["source_hazard"] = hazard
        source["source_inspection"] = hazard.inspection
    elif request.GET.get("enterprise"):
        initial["enterprise"] = get_object_or_404(
            Enterprise.objects.restrict(user, "view"), pk=_int_or_404(request.GET["enterprise"])
        )
    if initial.get("enterprise") is not None:
        source["enterprise"] = initial["enterprise"]
        initial["enterprise"] = initial["enterprise"].credit_code
    return initial, source


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    """立案: a new case of the user's organisation, from an inspection or hazard (prefilled) or another source."""
    user = request.user
    if not user.has_perm("cases.add_penaltycase"):
        raise PermissionDenied(_("您没有办理行政处罚案件的权限。"))
    if user.organisation is None:
        raise PermissionDenied(_("您未分配所属单位，不能立案。"))
    initial, source = _prefill(request, user)
    if "officers" not in initial:
        initial["officers"] = [user.pk]
    form = OpenCaseForm(
        request.POST or None,
        enterprises=Enterprise.objects.restrict(user, "view"),
        officers=_own_officers(user.organisation),
        initial=initial,
    )
    enterprise = source.get("enterprise")
    if enterprise is not None and enterprise.principal_person:
        # 一案双罚 is a choice: the principal person is suggested, not made a party unasked.
        form.fields["principal_name"].widget.attrs["placeholder"] = _("如：%(name)s（本单位主要负责人）") % {
            "name": enterprise.principal_person
        }
    query = request.GET.urlencode()
    draft_key = f"penalty:new:{query}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                user,
                user.organisation,
                cause=data["cause"],
                source=data["source"],
                procedure=data["procedure"],
                enterprise=data["enterprise"],
                source_inspection=source.get("source_inspection"),
                source_hazard=source.get("source_hazard"),
                source_detail=data["source_detail"],
                facts=data["facts"],
                power=data["power"],
                officers=list(data["officers"]),
                parties=form.parties(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, default_field="officers")
        except PermissionDenied as exc:
            form.add_error(None, permission_message(exc))
        else:
            request.session[DRAFT_DONE] = draft_key
            messages.success(request, _("已登记案件“%(cause)s”，请办理立案审批。") % {"cause": case.cause})
            return redirect("cases:penalty_detail", pk=case.pk)
    return render(
        request,
        "cases/penalties/case_form.html",
        {"form": form, "source": source, "draft_key": draft_key, "query": query},
    )


# --- the case page ---------------------------------------------------------------------------------


def _data_form(action, data=None):
    """The step form of the action's kind (prefix "data"), or None while no form is registered for it. An optional
    field the action's own form already asks for (法制审核's opinion, the payment plan's kind) is asked once."""
    if not action.step_kind:
        return None
    try:
        form_class = steps.form_for(action.step_kind)
    except ValidationError:
        return None
    form = form_class(data=data, prefix="data")
    for name in [n for n, field in form.fields.items() if n in action.form.base_fields and not field.required]:
        del form.fields[name]
    return form


def _action_form(action, case, documents, data=None):
    kwargs = {"case": case}
    if "officers" in action.form.base_fields:
        kwargs["officers"] = _own_officers(case.organisation)
    if action.key == "record_delivery":
        kwargs["documents"] = [d for d in documents if d.status == IssuedDocument.Status.ISSUED]
    today = timezone.localdate()
    initial = {"occurred_on": today, "served_on": today, "paid_on": today, "requested_on": today}
    if "officers" in action.form.base_fields:
        initial["officers"] = [u.pk for u in case.officers.all()]
    parties = list(case.parties.all())
    if len(parties) == 1:
        initial["party"] = parties[0].pk
    return action.form(data, initial=initial, prefix=action.key, **kwargs)


def _panel(user, case, documents, failed=None):
    """The action panel: each action available now with its forms; ``failed`` = (key, form, data form) of a
    submit that was refused, shown bound with what was typed and open."""
    entries = []
    for action in panel.available(user, case):
        if failed and failed[0] == action.key:
            form, data_form = failed[1], failed[2]
        else:
            form, data_form = _action_form(action, case, documents), _data_form(action)
        entries.append(
            {
                "action": action,
                "form": form,
                "data_form": data_form,
                "open": bool(failed and failed[0] == action.key),
                "draft_key": f"penalty:{case.pk}:{action.key}",
            }
        )
    return entries


def _document_keys(case, parties, records):
    """The source keys of every document of the case: the case (送达回执), its parties (告知书, 决定书) and its
    step records (立案审批表, 笔录, 通知书, 催告书…)."""
    return [source_key(case)] + [source_key(p) for p in parties] + [source_key(r) for r in records]


def _evidence_template():
    try:
        get_template(EVIDENCE_TEMPLATE)
    except TemplateDoesNotExist:
        return ""
    return EVIDENCE_TEMPLATE


def _detail_context(request, case, failed=None):
    user = request.user
    today = timezone.localdate()
    parties = list(
        case.parties.select_related("notice", "decision", "enterprise")
        .prefetch_related("violations", "payments", "instalments")
        .order_by("id")
    )
    records = list(
        case.records.select_related("document", "recorded_by", "party")
        .prefetch_related("officers")
        .order_by("occurred_on", "id")
    )
    events = list(CaseEvent.objects.filter(case=case).select_related("record").order_by("at", "id"))
    deadlines = list(case.deadlines.select_related("party").order_by("due_on", "id"))
    for deadline in deadlines:
        deadline.is_open = deadline.met_on is None and deadline.superseded_by_id is None
        deadline.days_left = (deadline.due_on - today).days
        deadline.days_over = -deadline.days_left
        deadline.is_overdue = deadline.is_open and deadline.days_left < 0
    documents = documents_for(user, _document_keys(case, parties, records))
    acts = panel.acts_in(user, case)
    return {
        "case": case,
        "today": today,
        "officers": list(case.officers.order_by("full_name", "username")),
        "parties": parties,
        "records": records,
        "events": events,
        "deadlines": deadlines,
        "open_deadlines": [d for d in deadlines if d.is_open],
        "deliveries": list(Delivery.objects.filter(case=case).select_related("party", "document__doc_type")),
        "evidence": list(Evidence.objects.filter(case=case).select_related("uploaded_by", "record")),
        "evidence_template": _evidence_template(),
        "documents": documents,
        "graph": procedure_graph(case, events),
        "panel": _panel(user, case, documents, failed) if acts else [],
        "acts": acts,
        # The city (and anyone outside the case's bureau) reads the case for supervision only.
        "read_only": not acts,
        "draft_done": request.session.pop(DRAFT_DONE, ""),
    }


@login_required
@require_GET
def case_detail(request, pk):
    case = _case_for(request.user, pk)
    return render(request, "cases/penalties/case_detail.html", _detail_context(request, case))


def _apply_refusal(form, data_form, exc):
    """A service's ValidationError onto the two forms: a key the step form has goes there, the rest on the form."""
    if data_form is not None and hasattr(exc, "error_dict"):
        mine = {k: v for k, v in exc.error_dict.items() if k in data_form.fields and k not in form.fields}
        for field, errors in mine.items():
            data_form.add_error(field, errors)
        rest = {k: v for k, v in exc.error_dict.items() if k not in mine}
        if not rest:
            return
        exc = ValidationError(rest)
    apply_service_errors(form, exc, default_field="officers" if "officers" in form.fields else None)


@login_required
@require_POST
def case_action(request, pk, action):
    """One act of the action panel, through its service; refused → the case page with the form as typed."""
    user = request.user
    act = panel.BY_KEY.get(action)
    if act is None:
        raise Http404
    case = _case_for(user, pk)
    if not panel.acts_in(user, case) or not user.has_perm(panel.PERMS[act.perm]):
        # Visible but not permitted: the supervising city, another role, or an archived case.
        raise PermissionDenied(_("您只能查阅该案件，不能办理。"))
    transitions = {t.name for t in case.get_available_state_transitions()}
    if not act.offered(case, transitions):
        messages.error(
            request,
            _("案件当前处于“%(state)s”环节，不能办理“%(action)s”。")
            % {"state": case.get_state_display(), "action": act.label},
        )
        return redirect("cases:penalty_detail", pk=case.pk)
    keys = _document_keys(case, case.parties.only("pk"), case.records.only("pk"))
    documents = documents_for(user, keys, states=False)
    form = _action_form(act, case, documents, data=request.POST)
    data_form = _data_form(act, data=request.POST)
    if form.is_valid() and (data_form is None or data_form.is_valid()):
        data = {name: data_form[name].data for name in data_form.fields} if data_form is not None else {}
        cleaned = {**form.cleaned_data, "step": data_form.cleaned_data if data_form is not None else {}}
        try:
            act.run(user, case, cleaned, data)
        except (PenaltyCase.DoesNotExist, CaseParty.DoesNotExist, StepRecord.DoesNotExist) as exc:
            raise Http404 from exc
        except ValidationError as exc:
            _apply_refusal(form, data_form, exc)
        except PermissionDenied as exc:
            form.add_error(None, permission_message(exc))
        else:
            request.session[DRAFT_DONE] = f"penalty:{case.pk}:{act.key}"
            messages.success(request, str(act.success))
            return redirect(reverse("cases:penalty_detail", args=[case.pk]) + "#actions")
    case = _case_for(user, pk)
    context = _detail_context(request, case, failed=(act.key, form, data_form))
    return render(request, "cases/penalties/case_detail.html", context, status=200)


# --- the deadline board ----------------------------------------------------------------------------


@login_required
@require_GET
def deadline_board(request):
    """The legal section's deadline board: every open deadline of its scope, overdue first, with countdowns."""
    user = request.user
    if not user.has_perm("cases.view_deadline"):
        raise PermissionDenied(_("您没有查看办案期限的权限。"))
    today = timezone.localdate()
    # The organisations of the user's subtree (the board's rows are restrict()ed whatever is chosen).
    organisations = Organisation.objects.none()
    if user.organisation is not None:
        organisations = Organisation.objects.filter(path__startswith=user.organisation.path).order_by("path")
    form = BoardFilterForm(request.GET or None, organisations=organisations)
    rows = queries.deadline_board(user, today)
    if form.is_bound and form.is_valid() and form.cleaned_data["organisation"]:
        chosen = form.cleaned_data["organisation"]
        rows = rows.filter(organisation__path__startswith=chosen.path)
    page = Paginator(rows, BOARD_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.days_left = (row.due_on - today).days
        row.days_over = -row.days_left
        row.is_overdue = row.days_left < 0
    return render(
        request,
        "cases/penalties/deadline_board.html",
        {
            "form": form,
            "page": page,
            "page_query": querystring(request, "page"),
            "today": today,
            "overdue_count": rows.filter(due_on__lt=today).count(),
        },
    )
