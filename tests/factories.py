"""factory-boy factories shared by all tests."""

import datetime

import factory
from django.utils import timezone

from enforcement.enterprises.credit_code import make_code
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import EnforcementCertificate, Organisation, Role, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试应急管理局{n}")
    short_name = factory.Sequence(lambda n: f"测{n}")
    level = Organisation.Level.CITY


def credit_code_for(n: int) -> str:
    """A valid, unique credit code for sequence number n."""
    return make_code(f"91410100{n:09d}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(credit_code_for)
    name = factory.Sequence(lambda n: f"测试生产经营单位{n}有限公司")
    address = "测试路1号"
    organisation = factory.SubFactory(OrganisationFactory)
    responsible_org = factory.SelfAttribute("organisation")
    sector = factory.LazyFunction(lambda: Sector.objects.order_by("sort_order").first())
    supervision_class = Enterprise.SupervisionClass.GENERAL
    principal_person = "张三"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("pass-1234-word")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(Role.objects.filter(code__in=extracted))


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnforcementCertificate

    holder = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"豫执{n:08d}")
    issuer = "测试省人民政府"
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
