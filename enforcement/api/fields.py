"""Serializer fields shared by the apps' APIs."""

import math

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.api.filters import BIGINT_MAX, BIGINT_MIN


class IdField(serializers.PrimaryKeyRelatedField):
    """A related row's id that is an integer the id column can hold, or a 400 — never a server error.

    ``1e400`` (infinity), 1.5, ``true`` or 2**64 reached the ORM as they were: SQLite's driver raised
    OverflowError and ``int(inf)`` OverflowError too, both outside what DRF maps to "incorrect type". Every
    related-id field of the API is this one or derives from it (tests/fuzz/test_bounded_input.py checks it).
    """

    def to_internal_value(self, data):
        if self.pk_field is None:
            data = self._as_id(data)
        return super().to_internal_value(data)

    def _as_id(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, float):
            if not math.isfinite(data) or not data.is_integer():
                self.fail("incorrect_type", data_type="float")
            data = int(data)
        try:
            number = int(data) if isinstance(data, int) else int(data.strip())
        except ValueError:
            self.fail("incorrect_type", data_type="str")
        if not BIGINT_MIN <= number <= BIGINT_MAX:
            self.fail("does_not_exist", pk_value=data)
        return number


class ScopedPrimaryKeyField(IdField):
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


# A user's e-mail is optional (blank in the model): the schema must admit "" as well as an address. Read-only
# (EmailField would make drf-spectacular add `format: email` beside the anyOf, which "" fails again).
@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class OptionalEmailField(serializers.CharField):
    pass
