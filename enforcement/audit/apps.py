from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "enforcement.audit"
    label = "audit"
    verbose_name = "操作日志"

    def ready(self):
        from enforcement.audit import navigation, security

        security.connect()
        navigation.register()
