"""Periodic work of the inspection pages."""

from celery import shared_task

from cases.inspections import pending


@shared_task(name="cases.expire_pending_photos")
def expire_pending_photos():
    """Daily (beat): delete photos kept from failed submits that nobody came back for. Idempotent."""
    return pending.expire()
