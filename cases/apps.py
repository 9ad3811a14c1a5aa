from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "执法检查与案件"

    def ready(self):
        from cases.inspections.documents import register_sources
        from cases.inspections.services import last_inspector_pairs
        from plans.draws.algorithm import register_exclusion_source

        # plans must not import cases (data flows core ← plans ← cases), so cases plugs in here.
        register_exclusion_source("last_inspectors", last_inspector_pairs)
        # The documents core re-issues a document when its record changes; it learns the records from here.
        register_sources()
