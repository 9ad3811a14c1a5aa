"""Base viewsets: the queryset is restricted once, by action, before any handler runs (NetBox pattern)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, viewsets

ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RestrictedViewSetMixin:
    """Narrows ``self.queryset`` to the caller's scope for the request's action.

    Objects outside it are simply not found, so detail routes answer 404, never 403.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        action = ACTION_BY_METHOD.get(request.method, "view")
        if action == "add":
            action = "view"  # creation is checked by the service against the target organisation
        self.queryset = self.queryset.restrict(request.user, action)

    def handle_exception(self, exc):
        # Services raise Django's exceptions; present them the DRF way (400 with field errors / 403).
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages})
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RestrictedModelViewSet(RestrictedViewSetMixin, viewsets.ModelViewSet):
    pass
