from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "年度监督检查计划"

    def ready(self):
        from plans.annual.documents import register_sources

        # The documents core never imports plans: the on-site plan's source is registered here.
        register_sources()
