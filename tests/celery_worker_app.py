"""The Celery app the test worker runs (``celery -A tests.celery_worker_app``): the project's own app, plus
one test-only concern.

Transactional tests end with a flush, after which post_migrate recreates content types and permissions
with new ids. A long-lived worker would keep the old ids in Django's ContentType cache and write audit
events pointing at rows that no longer exist, so the cache is dropped before every task.

Under ``TEST_CLOCK`` the worker moves its clock too, in step with the pytest process (tests/clock.py).
"""

from celery.signals import task_prerun

from enforcement.celery import app
from tests import clock

clock.start_from_environment()

__all__ = ["app"]


@task_prerun.connect
def _forget_cached_content_types(**kwargs):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
