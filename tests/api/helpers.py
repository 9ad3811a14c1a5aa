"""Small helpers shared by the API tests."""


def results(response):
    """The rows of a paginated list response (asserting it succeeded)."""
    assert response.status_code == 200, response.content.decode()
    return response.json()["results"]


def names(response):
    return {row["name"] for row in results(response)}


# A persona without the model permission of a list is refused it (403 naming what is missing), rather than
# answered an empty page: enforcement/api/permissions.py (issue 9 item 1).
REFUSED = "refused"


def refused(response):
    """The request was refused for want of a permission (403 with a Chinese reason)."""
    assert response.status_code == 403, response.content.decode()
    assert response.json()["detail"].startswith("您没有"), response.content.decode()
    return True
