"""Built-in roles and the permissions they carry.

Roles are data (administrators add their own in the admin); the built-in ones are re-synced after
every migrate so that a new model's permissions reach the roles that should have them.
"""

from enforcement.orgs.scoping import DataScope

VIEW = ("view",)
EDIT = ("view", "add", "change")
FULL = ("view", "add", "change", "delete")
PLAN_STEPS = ("submit", "approve", "file", "publish")

# Grants shared by the roles that work with the register and plans at their own level.
# Issued documents (文书) are read by everyone who works a case or supervises; issuing goes through services.
REGISTER_VIEW = {
    "enterprises.enterprise": VIEW,
    "orgs.organisation": VIEW,
    "orgs.user": VIEW,
    "documents.issueddocument": VIEW,
}
PLANS_VIEW = {"plans.inspectionplan": VIEW, "plans.planitem": VIEW, "plans.draw": VIEW, "plans.checkitem": VIEW}
PLANS_EDIT = {
    "plans.inspectionplan": (*FULL, *PLAN_STEPS),
    "plans.planitem": FULL,
    "plans.draw": EDIT,
    "plans.checkitem": VIEW,
    "plans.conflictdeclaration": VIEW,
}

CASES_VIEW = {
    "cases.inspection": VIEW,
    "cases.hazard": VIEW,
    "cases.reinspection": VIEW,
    "cases.reinspectionvisit": VIEW,
    "cases.hazardphoto": VIEW,
}
# Penalty cases (R-14…R-22): officers handle them; leaders approve; legal reviewers review (案审分离); the city
# reads its counties' cases for supervision — acting in a case is for its own organisation only (services check).
PENALTIES_VIEW = {"cases.penaltycase": VIEW, "cases.evidence": VIEW, "cases.deadline": VIEW}
PENALTIES_HANDLE = {"cases.penaltycase": EDIT, "cases.evidence": ("view", "add"), "cases.deadline": VIEW}
PENALTIES_APPROVE = {
    "cases.penaltycase": ("view", "approve", "archive"),
    "cases.evidence": VIEW,
    "cases.deadline": VIEW,
}
PENALTIES_REVIEW = {"cases.penaltycase": ("view", "review"), "cases.evidence": VIEW, "cases.deadline": VIEW}
PROGRESS_VIEW = {"supervision.monthlyprogress": VIEW}
PROGRESS_CONFIRM = {"supervision.monthlyprogress": ("view", "confirm")}
# Guidance visits (R-40…R-42): the city legal section runs them; counties see their own and answer letters.
GUIDANCE_VIEW = {
    "supervision.guidanceschedule": VIEW,
    "supervision.guidancevisit": VIEW,
    "supervision.guidancecheck": VIEW,
    "supervision.guidanceevidence": VIEW,
    "supervision.guidanceletter": VIEW,
    "supervision.rectificationreport": VIEW,
}
GUIDANCE_ANSWER = {
    **GUIDANCE_VIEW,
    "supervision.guidanceletter": ("view", "answer"),
    "supervision.rectificationreport": ("view", "add"),
}
GUIDANCE_RUN = {
    "supervision.guidanceschedule": FULL,
    "supervision.guidancevisit": EDIT,
    "supervision.guidancecheck": EDIT,
    "supervision.guidanceevidence": EDIT,
    "supervision.guidanceletter": ("view", "issue", "answer", "review"),
    "supervision.rectificationreport": ("view", "add", "change"),
}
CASES_EDIT = {
    "cases.inspection": EDIT,
    "cases.hazard": EDIT,
    "cases.reinspection": EDIT,
    "cases.reinspectionvisit": EDIT,
    "cases.hazardphoto": EDIT,
}
# The roles that issue documents (inspection papers, on-site plans, monthly reports, guidance letters) also void
# their own organisation's (作废, with a reason); the service checks that the document is their bureau's.
DOCUMENTS_ISSUE = {"documents.issueddocument": ("view", "void")}

# code: (name, data scope, {model label: actions}); an action is the codename prefix ("view", "submit", …).
BUILTIN_ROLES = {
    "leader": (
        "局领导",
        DataScope.SUBTREE,
        {
            **REGISTER_VIEW,
            "enterprises.enterprise": EDIT,
            **PLANS_VIEW,
            **CASES_VIEW,
            **PENALTIES_APPROVE,
            **PROGRESS_CONFIRM,
            **GUIDANCE_VIEW,
            **DOCUMENTS_ISSUE,
            "plans.inspectionplan": ("view", "approve", "acknowledge"),
        },
    ),
    "legal": (
        "法规科（执法监督）",
        DataScope.SUBTREE,
        {
            **REGISTER_VIEW,
            "enterprises.enterprise": FULL,
            **PLANS_EDIT,
            **CASES_EDIT,
            **PENALTIES_REVIEW,
            **PROGRESS_CONFIRM,
            "plans.inspectionplan": (*FULL, *PLAN_STEPS, "acknowledge"),
            # The city legal section re-runs a past month of the monthly progress job.
            "supervision.monthlyprogress": ("view", "confirm", "rebuild"),
            **GUIDANCE_RUN,
            **DOCUMENTS_ISSUE,
        },
    ),
    "business": (
        "业务科室",
        DataScope.SUBTREE,
        {
            **REGISTER_VIEW,
            "enterprises.enterprise": FULL,
            **PLANS_EDIT,
            **CASES_EDIT,
            **PENALTIES_VIEW,
            **PROGRESS_VIEW,
            **DOCUMENTS_ISSUE,
        },
    ),
    "officer": (
        "执法人员",
        DataScope.SUBTREE,
        {
            **REGISTER_VIEW,
            "enterprises.enterprise": EDIT,
            **PLANS_VIEW,
            **CASES_EDIT,
            **PENALTIES_HANDLE,
            # Officers declare (and withdraw) their own relations; seeing colleagues' declarations is
            # the legal section's business (the "view" permission), not theirs.
            "plans.conflictdeclaration": ("add",),
            **GUIDANCE_ANSWER,
            **DOCUMENTS_ISSUE,
        },
    ),
    "reviewer": (
        "法制审核人员",
        DataScope.SUBTREE,
        {**REGISTER_VIEW, **PLANS_VIEW, **CASES_VIEW, **PENALTIES_REVIEW, **PROGRESS_VIEW},
    ),
    # technical inspectors and social supervisors see only what is shared with them.
    "technical": ("技术检查员", DataScope.SHARED, {"enterprises.enterprise": VIEW}),
    "social_supervisor": ("社会监督员", DataScope.SHARED, {"enterprises.enterprise": VIEW}),
    "admin": (
        "系统管理员",
        DataScope.SUBTREE,
        {
            "enterprises.enterprise": FULL,
            "enterprises.sector": FULL,
            "enterprises.sectoralias": FULL,  # names counties write for sectors, used by the import
            "orgs.organisation": FULL,
            "orgs.user": FULL,
            "orgs.role": VIEW,
            "orgs.enforcementcertificate": FULL,
            "documents.issueddocument": VIEW,
            "documents.documenttype": VIEW,
            "plans.checkitem": FULL,
            **{k: v for k, v in PLANS_VIEW.items() if k != "plans.checkitem"},
            # The holiday calendar and legal parameters: shared tables, changed only by a city or provincial
            # administrator (SharedTableAdminMixin); legal parameters are superseded, never deleted.
            "workdays.calendarday": FULL,
            "workdays.calendaryear": EDIT,
            "rules.legalrule": EDIT,
        },
    ),
    # 等保2.0 三权分立: the auditor reads and exports the audit log and nothing else; system administrators
    # no longer read it (they are among those it audits). Whole-system scope: failed logins of unknown
    # names belong to no organisation. Only a superuser can hand this role out (assignable_roles).
    "auditor": ("审计员", DataScope.ALL, {"audit.auditevent": ("view", "export")}),
}


def sync_builtin_roles(sender=None, **kwargs):
    """Create or update the built-in roles. Idempotent; runs after every migrate."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission

    if sender is not None and getattr(sender, "label", None) != "orgs":
        return
    # post_migrate reaches apps in INSTALLED_APPS order; make sure later apps' permissions exist too.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    Role = apps.get_model("orgs", "Role")
    for code, (name, scope, grants) in BUILTIN_ROLES.items():
        role, _ = Role.objects.update_or_create(
            code=code, defaults={"name": name, "data_scope": scope, "builtin": True}
        )
        perms = []
        for label, actions in grants.items():
            app_label, model_name = label.split(".")
            codenames = [f"{action}_{model_name}" for action in actions]
            perms.extend(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        role.permissions.set(perms)
