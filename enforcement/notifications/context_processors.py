"""The bell in the header: the user's unread count, read with the user itself (enforcement/orgs/backends.py)."""

from django.utils.functional import SimpleLazyObject

from enforcement.notifications.services import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
