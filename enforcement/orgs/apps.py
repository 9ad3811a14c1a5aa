from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrgsConfig(AppConfig):
    name = "enforcement.orgs"
    label = "orgs"
    verbose_name = "组织与人员"

    def ready(self):
        from enforcement.orgs.roles import sync_builtin_roles

        # Permissions exist only after post_migrate, so built-in roles are synced then, not in a
        # data migration (which would run before the permissions it grants are created).
        post_migrate.connect(sync_builtin_roles, dispatch_uid="orgs.sync_builtin_roles")
