from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "enforcement.notifications"
    label = "notifications"
    verbose_name = "站内通知"
