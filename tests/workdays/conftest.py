# The admin tests' personas and client (a city and a county administrator with admin-site access).
from tests.admin.conftest import admin_as, city_admin, county_a_admin  # noqa: F401
