"""The notification bell and page: one's own notifications only, marked read on demand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.notifications.models import Notification
from enforcement.notifications.services import notify
from tests.dates import today

pytestmark = pytest.mark.django_db


def tell(user, n=1, **fields):
    for i in range(n):
        notify(
            user,
            key=f"test:{user.pk}:{i}",
            kind=Notification.Kind.DEADLINE_OVERDUE,
            title=fields.get("title", f"【已逾期{i + 1}天】东城机械厂案：作出处罚决定"),
            url=fields.get("url", ""),
            organisation=user.organisation,
        )


def test_notify_is_once_per_recipient_key_and_day(world):
    """GIVEN a notification sent today
    WHEN the same key is sent to the same person today again, then tomorrow's day and to another person
    THEN only the repeat is refused."""
    officer, other = world.people.county_a_officer, world.people.county_a_officer2
    args = {"key": "x:1", "kind": Notification.Kind.DEADLINE_OVERDUE, "title": "t"}
    assert notify(officer, **args)
    assert not notify(officer, **args)
    assert notify(officer, day=today().replace(year=today().year + 1), **args)
    assert notify(other, **args)
    assert Notification.objects.count() == 3


def test_the_bell_shows_the_unread_count_in_one_query(client, world):
    """GIVEN 3 unread notifications of the officer and 2 of a colleague
    WHEN the officer opens the home page
    THEN the header's bell reads 3 (the colleague's are not counted), counted inside the query that loads the
    signed-in user: the bell adds no query to any page."""
    officer = world.people.county_a_officer
    tell(officer, 3)
    tell(world.people.county_a_officer2, 2)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    counting = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counting) == 1 and '"orgs_user"' in counting[0]
    assert 'id="link-notifications"' in page
    assert '<span class="bell__count">3</span>' in page


def test_no_count_without_unread_notifications(client, world):
    client.force_login(world.people.county_a_officer)
    page = client.get(reverse("home")).content.decode()
    assert 'id="link-notifications"' in page and "bell__count" not in page


def test_the_page_lists_ones_own_notifications_only(client, world, django_assert_max_num_queries):
    """GIVEN notifications of the officer (40, more than a page) and of county B's officer
    WHEN the officer opens the notifications page
    THEN the page lists 30 of the officer's own, counts 40, and shows nothing of the other's; its query count
    does not depend on how many are listed."""
    officer = world.people.county_a_officer
    tell(officer, 40)
    tell(world.people.county_b_officer, 1, title="西山县的通知")
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("notifications:list")).content.decode()
    assert page.count("data-notification=") == 30
    assert "共 <strong>40</strong> 条" in page
    assert "西山县的通知" not in page


def test_mark_read_and_open(client, world):
    """GIVEN an unread notification about a page
    WHEN its recipient presses 查看
    THEN it is marked read and the browser goes to that page; the unread filter no longer lists it."""
    officer = world.people.county_a_officer
    tell(officer, 1, url="/cases/")
    note = Notification.objects.get()
    client.force_login(officer)
    answer = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/cases/"
    note.refresh_from_db()
    assert note.read_at is not None
    page = client.get(reverse("notifications:list") + "?unread=1").content.decode()
    assert "没有通知。" in page


def test_another_persons_notification_is_404(client, world):
    """GIVEN a notification of county A's officer
    WHEN a colleague in the same office tries to mark it read
    THEN 404, and it stays unread."""
    tell(world.people.county_a_officer, 1)
    note = Notification.objects.get()
    client.force_login(world.people.county_a_officer2)
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_ones_own(client, world):
    officer, other = world.people.county_a_officer, world.people.county_a_officer2
    tell(officer, 2)
    tell(other, 2)
    client.force_login(officer)
    answer = client.post(reverse("notifications:read_all"), follow=True)
    assert "已将2条通知标为已读。" in answer.content.decode()
    assert Notification.objects.filter(read_at__isnull=True, recipient=other).count() == 2
    assert not Notification.objects.filter(read_at__isnull=True, recipient=officer).exists()


def test_anonymous_is_sent_to_log_in(client):
    answer = client.get(reverse("notifications:list"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))
