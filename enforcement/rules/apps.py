from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "enforcement.rules"
    label = "rules"
    verbose_name = "法定参数"
