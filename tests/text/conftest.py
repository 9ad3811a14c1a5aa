from tests.api.conftest import api  # noqa: F401 - the API client fixture, for the refusal answers
from tests.web.conftest import browse  # noqa: F401 - the signed-in web client, for the refusal pages
