from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "enforcement.web"
    label = "web"
    verbose_name = "网页"
