from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "enforcement.text"
    label = "text"
    verbose_name = "文本输入"

    def ready(self):
        from enforcement.text import inputs

        inputs.install()
