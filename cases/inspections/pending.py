"""Photos kept across a failed submit (never lose what a user entered, issue 8 item 4).

A browser cannot put a chosen file back into a file input, so when a form with photos comes back with an
error, the photos that passed the upload checks are stored as PendingPhoto rows of that user and that form,
shown as thumbnails in the re-rendered form, and attached when the form is finally saved. Bounded: each
photo passes the PHOTO checks, a form keeps at most ``MAX_PHOTOS``, a user at most
``PENDING_PHOTOS_PER_USER`` (the oldest go first), and a daily task deletes those older than
``PENDING_PHOTO_MAX_AGE_HOURS``.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.inspections.models import HazardPhoto, PendingPhoto
from cases.inspections.thumbnails import delete_thumbnail

MAX_PHOTOS = 10


def max_age():
    return datetime.timedelta(hours=settings.PENDING_PHOTO_MAX_AGE_HOURS)


def kept(user, form_key, ids):
    """The user's pending photos of ``form_key`` among ``ids`` that have not expired (others are ignored)."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return []
    return list(
        PendingPhoto.objects.filter(
            owner=user, form_key=form_key, pk__in=ids, created_at__gte=timezone.now() - max_age()
        ).order_by("created_at", "id")[:MAX_PHOTOS]
    )


def keep(user, form_key, uploads):
    """Store checked uploads as the user's pending photos of ``form_key``; returns the new rows."""
    rows = [
        PendingPhoto.objects.create(
            owner=user, form_key=form_key, file=upload, original_name=upload.name[:255], size=upload.size
        )
        for upload in uploads
    ]
    # The newest survive: the per-user bound is at least one form's worth (settings).
    limit = max(settings.PENDING_PHOTOS_PER_USER, MAX_PHOTOS)
    discard(list(PendingPhoto.objects.filter(owner=user).order_by("-created_at", "-id")[limit:]))
    return rows


def attach(rows, hazard):
    """Turn pending photos into the hazard's photos. The stored file stays where it is."""
    for row in rows:
        HazardPhoto.objects.create(
            hazard=hazard, file=row.file.name, original_name=row.original_name, uploaded_by_id=row.owner_id
        )
        row.delete()


def discard(rows):
    """Delete pending photos and, once the transaction commits, their files."""
    for row in rows:
        name, storage = row.file.name, row.file.storage
        row.delete()
        if name:
            transaction.on_commit(lambda name=name, storage=storage: _delete_with_thumbnail(storage, name))


def _delete_with_thumbnail(storage, name):
    storage.delete(name)
    delete_thumbnail(storage, name)


def expire(now=None):
    """Delete pending photos older than the maximum age. Returns how many went."""
    now = now or timezone.now()
    stale = list(PendingPhoto.objects.filter(created_at__lt=now - max_age()))
    discard(stale)
    return len(stale)
