"""Django admin, scoped: the admin goes through ``restrict(user, action)`` like every other view.

A county administrator signing in to /admin/ sees its own subtree only. Rows outside the scope are
absent from change lists and, asked for by id, get the admin's own "does not exist" redirect — the same
answer as for a row that was never there. Foreign-key and many-to-many choices are limited to what the
user may see, and a save that would move a record out of the user's reach is rolled back.
"""

import copy

from django.contrib import messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from enforcement.orgs.scoping import RestrictedQuerySet, ensure_in_scope


def is_scoped(model):
    return isinstance(model._default_manager.get_queryset(), RestrictedQuerySet)


def scoped_choices(model, user, action="view"):
    """The rows of ``model`` a user may pick in a form: restricted when the model is org-owned."""
    if is_scoped(model):
        return model._default_manager.restrict(user, action)
    return None


class ReadOnlyAdminMixin:
    """Records written only through their services (workflow, audit trail): the admin shows them, never edits."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceRefused(Exception):
    """A save refused by a service or the post-save scope check; carries the messages to show."""

    def __init__(self, messages_):
        super().__init__(messages_)
        self.messages = messages_


def refusal_messages(exc):
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("该操作超出您的数据权限范围。")]


class ScopedChoicesMixin:
    """Limits foreign-key and many-to-many choices to the user's scope (admins and inlines alike)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            # No "delete this organisation/sector" shortcut next to a choice: deleting shared rows
            # happens on their own pages, where the scope and protection checks are visible.
            widget.can_delete_related = False
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_choices(db_field.related_model, request.user)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = scoped_choices(db_field.related_model, request.user)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdminMixin(ScopedChoicesMixin):
    """Mixin for a ModelAdmin of an organisation-owned model (one whose manager has ``restrict``)."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def _in_scope(self, request, obj, action):
        return type(obj)._default_manager.restrict(request.user, action).filter(pk=obj.pk).exists()

    # Django asks the model-level question (obj=None) for lists and menus, and the object-level one
    # for a change page; both must hold.
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or self._in_scope(request, obj, "view"))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._in_scope(request, obj, "change"))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self._in_scope(request, obj, "delete"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            keep_current_choices(form, obj)
        return form

    def delete_queryset(self, request, queryset):
        # The bulk action deletes from the change list (the *view* scope); narrow it to the delete scope.
        super().delete_queryset(request, queryset.restrict(request.user, "delete"))

    def save_model(self, request, obj, form, change):
        try:
            self.save_in_scope(request, obj, form, change)
        except (ValidationError, PermissionDenied) as exc:
            raise ServiceRefused(refusal_messages(exc)) from exc

    def save_in_scope(self, request, obj, form, change):
        """Save, then check (in the admin's transaction) that the row is still the user's to change."""
        super().save_model(request, obj, form, change)
        ensure_in_scope(request.user, obj, "change")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # changeform_view runs in one transaction: when the save is refused it has been rolled back
        # by the time we get here; show why and return to the form.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def keep_current_choices(form, obj):
    """Let a form keep an object's current out-of-scope value (a county editing an enterprise for
    which the city is responsible must not be forced to change it), while new choices stay scoped."""
    for name, field in form.base_fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        try:
            model_field = obj._meta.get_field(name)
        except FieldDoesNotExist:  # a form-only field
            continue
        if isinstance(model_field, models.ForeignKey):
            current = queryset.model._default_manager.filter(pk=getattr(obj, model_field.attname))
        elif isinstance(model_field, models.ManyToManyField) and obj.pk:
            current = queryset.model._default_manager.filter(pk__in=getattr(obj, name).values("pk"))
        else:
            continue
        # Fields declared on a base form class are shared between requests: never mutate them in place.
        form.base_fields[name] = field = copy.deepcopy(field)
        field.queryset = queryset | current


class ScopedInlineMixin(ScopedChoicesMixin):
    """For inlines: rows restricted to the view scope. Their permissions follow the parent object,
    which the parent admin has already scoped."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")


class SharedTableAdminMixin:
    """Reference tables every organisation uses (sectors, the check-item library) are shared by the whole
    system, so only a city or provincial bureau (or a superuser) changes them; a county administrator,
    whose role grants the same model permissions for its own records, may only look."""

    def _may_change_shared(self, request):
        from enforcement.orgs.models import Organisation

        user = request.user
        org = getattr(user, "organisation", None)
        return user.is_superuser or (
            org is not None and org.level in (Organisation.Level.CITY, Organisation.Level.PROVINCE)
        )

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self._may_change_shared(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change_shared(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change_shared(request)
