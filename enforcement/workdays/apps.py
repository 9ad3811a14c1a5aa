from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "enforcement.workdays"
    label = "workdays"
    verbose_name = "节假日与工作日"

    def ready(self):
        from enforcement.workdays import calendar

        calendar.connect()
