"""Base viewsets: the queryset is restricted once, by action, before any handler runs (NetBox pattern)."""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings

from enforcement.api.permissions import SCOPED

ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class ServiceExceptionsMixin:
    """Lets a view call services directly: the Django exceptions they raise answer the DRF way.

    ValidationError → 400 with field errors, PermissionDenied → 403, DoesNotExist → 404.
    """

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(_drf_error_detail(exc))
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        elif isinstance(exc, ObjectDoesNotExist):
            # A service re-reads the row through restrict(); vanished or out of scope is simply not found.
            exc = exceptions.NotFound()
        return super().handle_exception(exc)


class RestrictedViewSetMixin(ServiceExceptionsMixin):
    """Narrows ``self.queryset`` to the caller's scope for the request's action.

    Objects outside it are simply not found, so detail routes answer 404, never 403. Before that, the
    caller needs the model permission of the action (``enforcement.api.permissions``).
    """

    permission_classes = SCOPED

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        action = ACTION_BY_METHOD.get(request.method, "view")
        if action == "add":
            action = "view"  # creation is checked by the service against the target organisation
        self.queryset = self.queryset.restrict(request.user, action)


def _drf_error_detail(exc):
    """Django's ValidationError as DRF's field → messages dict ("__all__" becomes non_field_errors)."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
        for field, messages in exc.message_dict.items()
    }


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RestrictedModelViewSet(RestrictedViewSetMixin, viewsets.ModelViewSet):
    """Writes go through services: the serializer's create()/update() call them, and ``delete_service``
    (``service(user, pk)``) replaces ``instance.delete()`` so deletions are scoped and audited too."""

    delete_service = None

    def perform_destroy(self, instance):
        if self.delete_service is None:
            raise NotImplementedError(f"{type(self).__name__} must name its delete_service")
        type(self).delete_service(self.request.user, instance.pk)


class ScopedCreateListRetrieveViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    # Records created but never edited or deleted through the API (a comment, not a docstring: the
    # schema would show a docstring in the Chinese docs). Creation goes through a service, which
    # re-reads the referenced rows through restrict(); the response shows the saved row as the list would.
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        fresh = self.get_serializer(self.get_queryset().get(pk=instance.pk))
        return Response(fresh.data, status=status.HTTP_201_CREATED)
