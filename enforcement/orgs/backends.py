"""Authentication backend that grants the permissions of a user's roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """ModelBackend whose "group" permissions also include those of the user's roles."""

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(role__users=user_obj) | super()._get_group_permissions(user_obj)

    def get_user(self, user_id):
        """The signed-in user of a request, with the unread count of the header's bell (enforcement/notifications)
        read in the same query: the bell costs every page nothing."""
        from enforcement.notifications.services import with_unread_count

        try:
            user = with_unread_count(get_user_model()._default_manager.all()).get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
