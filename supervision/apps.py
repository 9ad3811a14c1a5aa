from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "执法监督"

    def ready(self):
        # The core (documents, home page, navigation) names no domain app; supervision plugs its parts in here.
        from enforcement.web.navigation import NavEntry, has_perm, in_namespace, register_nav
        from enforcement.web.todo import register_figures, register_todo
        from supervision.guidance.documents import register_sources as register_guidance
        from supervision.guidance.todo import guidance_figures, guidance_todo
        from supervision.progress.documents import register_sources as register_progress
        from supervision.progress.todo import progress_todo

        register_progress()
        register_guidance()
        register_nav(
            NavEntry(
                "progress",
                _("月度调度"),
                "supervision:progress",
                has_perm("supervision.view_monthlyprogress"),
                in_namespace("supervision", without_word="guidance"),
                40,
            )
        )
        register_nav(
            NavEntry(
                "guidance",
                _("执法指导"),
                "supervision:guidance_ledger",
                # The ledger page checks the visit permission; the letter one comes with it in every role.
                has_perm("supervision.view_guidancevisit"),
                in_namespace("supervision", with_word="guidance"),
                41,
            )
        )
        register_todo("supervision.progress", progress_todo)
        register_todo("supervision.guidance", guidance_todo)
        register_figures("supervision.guidance", guidance_figures)
