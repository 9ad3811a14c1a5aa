"""How the access walk fills in each route's URL arguments from county A's records.

A route that takes arguments needs a builder here, keyed by its URL name ("namespace:name"):

* its name under its model in ``PK_OF`` — the route's ``pk`` is county A's record of that model
  (``tests/access/world.py`` builds one of each; add yours there, through the services, if it is new);
* ``ARGUMENTS[name] = Arguments(Model, other=...)`` — the same, plus the route's other arguments: a value,
  or a function of the world (``lambda w: w.pk(OtherModel)``) for another record's id.

Router routes of the API need no entry when their only argument is ``pk`` (its model is the viewset's
``queryset.model``); ``format`` is always "json". The walk fails, naming the route and this file, when a
route's arguments cannot be built — so a new route cannot be forgotten.
"""

import re

from django.urls import reverse

from cases.inspections.models import Hazard, HazardPhoto, Inspection, PendingPhoto, ReInspectionVisit
from cases.penalties.models import Evidence, PenaltyCase
from enforcement.documents.models import IssuedDocument
from enforcement.enterprises.models import Enterprise, ExportJob, ImportBatch, Sector
from enforcement.notifications.models import Notification
from plans.models import CheckItem, ConflictDeclaration, Draw, InspectionPlan, PlanItem, PlanTransition
from supervision.models import (
    GuidanceCheck,
    GuidanceEvidence,
    GuidanceLetter,
    GuidanceSchedule,
    GuidanceVisit,
    MonthlyProgress,
    MonthlyProgressRun,
    RectificationReport,
)

HOW_TO_REGISTER = (
    "Register a builder in tests/access/arguments.py: add {name!r} to PK_OF[<Model whose county-A record the "
    "route's pk names>], or set ARGUMENTS[{name!r}] = Arguments(<Model>, <other argument>=<value or "
    "lambda w: w.pk(OtherModel)>). If county A has no such record yet, build one through the services in "
    "tests/access/world.py."
)


class Arguments:
    """The route's ``pk`` names county A's ``model`` record; ``other`` gives the remaining arguments.

    ``pk``: a function of the world when the pk is not the model's sample (the published draw)."""

    def __init__(self, model, pk=None, **other):
        self.model, self.pk, self.other = model, pk, other

    def build(self, world):
        kwargs = {"pk": self.pk(world) if self.pk else world.pk(self.model)}
        for name, value in self.other.items():
            kwargs[name] = value(world) if callable(value) else value
        return kwargs


# Reference tables every county reads alike (not county A's records): a route naming one of their rows may
# answer outsiders, who must still read nothing of county A there. Every other model's record is county A's
# and refused to outsiders unless restrict() lets them see it (deny by default: a model without restrict(),
# e.g. a record private to its owner, is refused to all of them).
REFERENCE_MODELS = {
    Sector: "industry sectors, one list for the whole system",
    CheckItem: "the check-item library (执法手册检查事项), one for the whole system",
    MonthlyProgressRun: "one run of the monthly job per month, for every organisation; no organisation's figures",
}

# Routes whose only argument is the pk of county A's record of a model, by model.
PK_OF = {
    Enterprise: ["enterprises:detail", "enterprises:edit", "enterprises:delete"],
    ImportBatch: ["enterprises:import_batch", "enterprises:import_confirm", "enterprises:import_retry"],
    ExportJob: ["enterprises:export_job", "enterprises:export_job_download"],
    IssuedDocument: [
        "documents:pdf",
        "documents:detail",
        "documents:reissue",
        "documents:void",
        "documents:reopen",
        "documents:retry_render",
    ],
    InspectionPlan: [
        "plans:detail",
        "plans:check",
        "plans:item_add",
        "plans:item_bulk_key",
        "plans:document",
        "plans:export",
    ],
    PlanItem: ["plans:item_detail", "plans:item_document", "plans:item_edit", "plans:item_remove"],
    PlanTransition: ["plans:transition_attachment"],
    Draw: ["plans:draw_detail", "plans:draw_redraw", "plans:draw_add_to_plan", "plans:draw_publish"],
    ConflictDeclaration: ["plans:conflict_withdraw"],
    Inspection: [
        "cases:inspection_detail",
        "cases:hazard_create",
        "cases:inspection_complete",
        "cases:inspection_correct",
        "cases:inspection_reinspect",
    ],
    PendingPhoto: ["cases:pending_photo"],
    PenaltyCase: ["cases:penalty_detail", "cases:penalty_evidence"],
    ReInspectionVisit: ["cases:reinspection_document"],
    Hazard: ["cases:hazard_reinspect"],
    HazardPhoto: ["cases:photo"],
    Evidence: ["cases:penalty_evidence_file", "cases:penalty_evidence_delete"],
    MonthlyProgress: ["supervision:progress_detail", "supervision:progress_document", "supervision:progress_confirm"],
    GuidanceSchedule: ["supervision:guidance_schedule_delete"],
    GuidanceVisit: [
        "supervision:guidance_visit",
        "supervision:guidance_spot_check",
        "supervision:guidance_letter_issue",
    ],
    GuidanceEvidence: ["supervision:guidance_evidence_file"],
    GuidanceLetter: [
        "supervision:guidance_letter",
        "supervision:guidance_letter_pdf",
        "supervision:guidance_report_submit",
        "supervision:guidance_report_review",
    ],
    RectificationReport: ["supervision:guidance_report_file"],
    Notification: ["notifications:read"],
}


def _check_of_visit(w):
    return w.pk(GuidanceCheck)


ARGUMENTS = {
    **{name: model for model, names in PK_OF.items() for name in names},
    "plans:step": Arguments(InspectionPlan, step="submit"),
    # Only a published draw has its printable public list.
    "plans:draw_public": Arguments(Draw, pk=lambda w: w.published_draw.pk),
    "cases:inspection_document": Arguments(Inspection, kind="inspection_record"),
    # The closed case whose case file (案卷) was built.
    "cases:penalty_case_file": Arguments(PenaltyCase, pk=lambda w: w.case_file_case.pk),
    "cases:penalty_action": Arguments(PenaltyCase, action="record_review"),
    # API routes with more than a pk
    "api:plan-attachment": Arguments(InspectionPlan, transition_id=lambda w: w.pk(PlanTransition)),
    "api:guidance-visit-checks": Arguments(GuidanceVisit, check_id=_check_of_visit),
}


class CannotBuild(Exception):
    """The route's arguments cannot be built; the message tells the author what to register."""


def _router_model(route):
    queryset = getattr(route.view_class, "queryset", None)
    return getattr(queryset, "model", None) if route.viewset_actions else None


def arguments_for(route):
    """The route's builder: an ``Arguments``, or None for a route without arguments."""
    names = [name for name in route.arguments if name != "format"]
    if not names:
        return None
    if route.name is None:
        raise CannotBuild(f"Route {route} has no name: give it name=… so that the access walk can reverse it.")
    entry = ARGUMENTS.get(route.name)
    if entry is None and names == ["pk"] and _router_model(route) is not None:
        entry = _router_model(route)
    if entry is None:
        raise CannotBuild(
            f"The access walk cannot build the URL arguments {names} of route {route}. "
            + HOW_TO_REGISTER.format(name=route.name)
        )
    builder = entry if isinstance(entry, Arguments) else Arguments(entry)
    missing = set(names) - {"pk", *builder.other}
    if missing:
        raise CannotBuild(
            f"The builder of route {route} gives no value for its URL arguments {sorted(missing)}. "
            + HOW_TO_REGISTER.format(name=route.name)
        )
    return builder


def filter_probe(world):
    """Query parameters the lists and exports filter by, each naming one of county A's records (or, for a
    search, the word that starts county A's enterprise names; for a period, the one county A's records are in).

    An API filter that names a record must have a value here (tests/test_access_walk.py checks it), so a
    filter added tomorrow is walked as well."""
    county = world.base.orgs.county_a.pk
    progress = world.sample[MonthlyProgress]
    return {
        **dict.fromkeys(("organisation", "within", "parent", "county"), county),
        "plan": world.pk(InspectionPlan),
        "plan_item": world.pk(PlanItem),
        "enterprise": world.pk(Enterprise),
        "inspection": world.pk(Inspection),
        "hazard": world.pk(Hazard),
        "case": world.pk(PenaltyCase),
        "q": "东城",
        "year": world.sample[GuidanceVisit].visit_date.year,
        "month": progress.month.strftime("%Y-%m"),
    }


# API filters that name no county's record, each with the reason it is not probed.
UNPROBED_FILTERS = {
    "sector": "industry sectors: one reference list for the whole system",
    "role": "roles: the same list for every organisation",
    "planned_month": "a month number (1-12), no record",
    "category": "a category of the check-item library (reference data)",
}


# The object's id in admin URLs: "object_id", or "id" (the user admin's password page).
ADMIN_OBJECT_ARGUMENTS = {"object_id", "id"}


def admin_url(route, world):
    """The admin route's URL for county A's record of its model.

    Unscoped reference tables (sectors, roles, schedules of the beat …) are walked with their first row."""
    from django.contrib.contenttypes.models import ContentType

    from enforcement.orgs.admin_scoping import is_scoped

    kwargs = {}
    model = route.admin_model
    if route.name == "admin:view_on_site":
        kwargs = {
            "content_type_id": ContentType.objects.get_for_model(Enterprise).pk,
            "object_id": world.pk(Enterprise),
        }
    elif ADMIN_OBJECT_ARGUMENTS & set(route.arguments):
        row = world.sample.get(model) if is_scoped(model) else model.objects.order_by("pk").first()
        if is_scoped(model) and row is None:
            world.pk(model)  # raises, naming the record tests/access/world.py must build
        # An empty reference table (tokens, the beat's schedules): an id that does not exist still shows
        # that strangers are sent to log in and that nothing answers in its place.
        kwargs = dict.fromkeys(ADMIN_OBJECT_ARGUMENTS & set(route.arguments), row.pk if row else 0)
    elif "app_label" in route.arguments:
        kwargs["app_label"] = "enterprises"
    elif "url" in route.arguments:  # the admin's catch-all (?P<url>.*)
        return f"/{route.pattern.split('(')[0]}no-such-page/"
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.pattern)


def build_kwargs(route, world):
    """The route's URL arguments (with ``format`` "json" where the pattern takes one)."""
    builder = arguments_for(route)
    kwargs = builder.build(world) if builder else {}
    if "format" in route.arguments:
        kwargs["format"] = "json"
    return kwargs
