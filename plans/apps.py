from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "年度监督检查计划"

    def ready(self):
        # The core (documents, home page, navigation) names no domain app; plans plugs its parts in here.
        from enforcement.web.navigation import NavEntry, has_perm, in_namespace, register_nav
        from enforcement.web.todo import register_todo
        from plans.annual.documents import register_sources
        from plans.annual.todo import plan_todo

        register_sources()
        register_nav(
            NavEntry(
                "plans",
                _("年度计划"),
                "plans:list",
                has_perm("plans.view_inspectionplan"),
                in_namespace("plans", without_word="draw"),
                20,
            )
        )
        register_nav(
            NavEntry(
                "draws",
                _("双随机抽查"),
                "plans:draw_list",
                has_perm("plans.view_draw"),
                in_namespace("plans", with_word="draw"),
                21,
            )
        )
        register_todo("plans.annual", plan_todo)
