from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "执法监督"

    def ready(self):
        from supervision.guidance.documents import register_sources as register_guidance
        from supervision.progress.documents import register_sources as register_progress

        # The documents core never imports supervision: the sources of its documents are registered here.
        register_progress()
        register_guidance()
