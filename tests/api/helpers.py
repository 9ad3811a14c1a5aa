"""Small helpers shared by the API tests."""


def results(response):
    """The rows of a paginated list response (asserting it succeeded)."""
    assert response.status_code == 200, response.content.decode()
    return response.json()["results"]


def names(response):
    return {row["name"] for row in results(response)}
