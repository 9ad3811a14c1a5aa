"""Must show: 20 concurrent issuers × 25 documents on PostgreSQL → serials exactly 1…N, no gap, no duplicate."""

import threading

import pytest
from django.db import connection, transaction

from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import issue_document

ISSUERS = 20
PER_ISSUER = 25


class Rollback(Exception):
    pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_gap_free_numbers(world, settings):
    # Rendering is not under test here: keep the after-commit task from running in every thread.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from unittest import mock

    user, org = world.people.city_legal, world.orgs.city
    barrier = threading.Barrier(ISSUERS)
    errors, committed, rolled_back = [], [], []

    def issuer(index):
        try:
            barrier.wait()
            for n in range(PER_ISSUER):
                try:
                    with transaction.atomic():
                        document = issue_document(
                            user, org, "guidance_letter", "并发测试", {"i": index, "n": n}, year=2026
                        )
                        # Every 4th issue rolls back after taking a number: it must give the number back.
                        if (index + n) % 4 == 0:
                            raise Rollback
                    committed.append(document.serial)
                except Rollback:
                    rolled_back.append(document.serial)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()  # each thread has its own connection

    with mock.patch("enforcement.documents.services._schedule_render"):
        threads = [threading.Thread(target=issuer, args=(i,)) for i in range(ISSUERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert not errors, errors
    assert rolled_back, "the test must roll some issues back"
    serials = sorted(IssuedDocument.objects.filter(organisation=org, year=2026).values_list("serial", flat=True))
    expected = ISSUERS * PER_ISSUER - len(rolled_back)
    assert len(committed) == expected
    assert serials == list(range(1, expected + 1))
    numbers = set(IssuedDocument.objects.values_list("number", flat=True))
    assert len(numbers) == expected and f"（川）应急指导〔2026〕{expected}号" in numbers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_new_versions_and_voids_of_one_document(world, settings):
    """Eight users act on one document at once, half re-issuing it, half voiding it: the row lock lets exactly one
    through; the others are refused (it is superseded or voided by then). Never two version 2s."""
    from unittest import mock

    from django.core.exceptions import ValidationError

    from enforcement.documents.services import issue_new_version, void_document

    user, org = world.people.city_legal, world.orgs.city
    document = issue_document(user, org, "guidance_letter", "并发测试", {"v": 1}, year=2026)
    barrier = threading.Barrier(8)
    done, refused, errors = [], [], []

    def act(index):
        try:
            barrier.wait()
            if index % 2:
                issue_new_version(user, document.pk, {"v": index}, f"更正{index}")
            else:
                void_document(user, document.pk, f"作废{index}")
            done.append(index)
        except ValidationError:
            refused.append(index)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    with (
        mock.patch("enforcement.documents.services._schedule_render"),
        mock.patch("enforcement.documents.services._schedule_voided_copy"),
    ):
        threads = [threading.Thread(target=act, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert not errors, errors
    assert len(done) == 1 and len(refused) == 7
    versions = list(IssuedDocument.objects.filter(serial=document.serial).values_list("version", "status"))
    assert len(versions) in (1, 2)
    assert sum(1 for _v, status in versions if status == "issued") <= 1
