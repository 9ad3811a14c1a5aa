from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "执法检查与案件"

    def ready(self):
        import cases.penalties.signals  # noqa: F401  (the case history receiver)
        from cases.inspections.documents import register_sources
        from cases.inspections.enterprise_history import inspection_history
        from cases.inspections.services import last_inspector_pairs
        from cases.inspections.todo import inspection_figures, inspection_todo
        from cases.penalties.demo import seed_penalty_cases
        from cases.penalties.documents import register_sources as register_penalty_sources
        from cases.penalties.todo import penalty_todo
        from enforcement.web.demo import register_demo_data
        from enforcement.web.enterprise_history import register_history
        from enforcement.web.navigation import NavEntry, has_perm, in_namespace, register_nav
        from enforcement.web.todo import register_figures, register_todo
        from plans.draws.algorithm import register_exclusion_source

        # plans must not import cases (data flows core ← plans ← cases), so cases plugs in here.
        register_exclusion_source("last_inspectors", last_inspector_pairs)
        # Nor may the core: the documents engine (which re-issues a document when its record changes), the home
        # page, the enterprise page and the navigation take what cases gives.
        register_sources()
        register_penalty_sources()
        register_nav(
            NavEntry(
                "cases",
                _("执法检查"),
                "cases:inspection_list",
                has_perm("cases.view_inspection"),
                in_namespace("cases", without_word="penalt"),
                30,
            )
        )
        register_nav(
            NavEntry(
                "penalties",
                _("行政处罚"),
                "cases:penalty_list",
                has_perm("cases.view_penaltycase"),
                in_namespace("cases", with_word="penalt"),
                35,
            )
        )
        register_todo("cases.inspections", inspection_todo)
        register_figures("cases.inspections", inspection_figures)
        register_todo("cases.penalties", penalty_todo)
        register_history("cases.inspections", inspection_history)
        register_demo_data("cases.penalties", seed_penalty_cases)
