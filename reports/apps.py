from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from . import plan_changes

        plan_changes.connect()  # a change to any model a cached plan page reads makes a new version of that plan
