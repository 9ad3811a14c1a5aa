"""API tokens die with the password they were obtained with and with the account.

A token is a second credential: whoever changes a password because it leaked must not find the old
tokens still working, and a deactivated account must lose API access at once, not at token expiry.
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from knox.models import get_token_model


def _tracked(update_fields):
    return update_fields is None or {"password", "is_active"} & set(update_fields)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.remember_credentials")
def remember_credentials(sender, instance, update_fields=None, **kwargs):
    # The stored password and state before the save: one query, and only when those fields may change.
    instance._credentials_before = None
    if instance.pk and _tracked(update_fields):
        instance._credentials_before = (
            sender._default_manager.filter(pk=instance.pk).values_list("password", "is_active").first()
        )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.revoke_tokens")
def revoke_tokens_on_credential_change(sender, instance, created, **kwargs):
    before = getattr(instance, "_credentials_before", None)
    if created or before is None:
        return
    password_before, _active_before = before
    if password_before != instance.password or not instance.is_active:
        get_token_model().objects.filter(user=instance).delete()
