"""Serializer fields shared by the apps' APIs."""

from rest_framework import serializers


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id that resolves only inside the caller's data scope; outside it reads "does not exist".

    ``scope_action`` is the ``restrict()`` action the referenced row must allow (e.g. "change" for a plan
    that an item is added to).
    """

    def __init__(self, model, scope_action="view", **kwargs):
        self.scoped_model, self.scope_action = model, scope_action
        if not kwargs.get("read_only"):
            # Tells the schema generator the model; get_queryset() narrows it per request.
            kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.scoped_model.objects.none()
        return self.scoped_model.objects.restrict(request.user, self.scope_action)
