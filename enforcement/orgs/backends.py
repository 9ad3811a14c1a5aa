"""Authentication backend that grants the permissions of a user's roles."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """ModelBackend whose "group" permissions also include those of the user's roles."""

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(role__users=user_obj) | super()._get_group_permissions(user_obj)
