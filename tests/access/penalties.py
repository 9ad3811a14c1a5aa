"""County A's penalty case (and one of county B) for the access walk, built through the services.

County A's is a 一案双罚 case (the unit and its principal person) decided and served, so that it has parties,
records, history, deadlines, deliveries, documents and a piece of evidence; county B's is only registered.
"""

from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.utils import timezone

from cases.penalties import services
from cases.penalties.models import Deadline, Evidence, PenaltyCase
from enforcement.documents import sources
from tests.penalties.documents import stand_ins
from tests.penalties.factories import build_case, penalty_people, unit_party


@contextmanager
def stand_in_sources():
    """The penalty documents nobody registered in this checkout, issued by stand-ins while the world is built (the
    issued documents stay; a document without a registered source is simply not re-issuable)."""
    added = stand_ins()
    sources._SOURCES.update(added)
    try:
        yield
    finally:
        for key in added:
            sources._SOURCES.pop(key, None)


def build_penalty_cases(world, marker):
    """Add county A's case, its deadline and evidence to ``world.sample``; county B's case is built but not sampled."""
    base = world.base
    people = penalty_people(base)
    world.people.county_a_leader, world.people.county_a_reviewer = people.county_a_leader, people.county_a_reviewer
    with stand_in_sources():
        case = build_case(base, PenaltyCase.State.EXECUTING, parties=("unit", "person"))
    evidence = Evidence(
        case=case,
        step=PenaltyCase.State.INVESTIGATING,
        kind=Evidence.Kind.PHOTO,
        title=f"{marker}现场照片",
        description=f"{marker}证明未培训",
        collected_on=timezone.localdate(),
        original_name=f"{marker}现场.png",
        content_type="image/png",
        size=4,
        sha256="0" * 64,
        uploaded_by=world.people.county_a_officer,
    )
    evidence.file.save("scene.png", ContentFile(b"\x89PNG"), save=True)
    world.add(case, Deadline.objects.filter(case=case).order_by("id").first(), evidence)
    b = base.people.county_b_officer
    services.open_case(
        b,
        b.organisation,
        cause="西山县案件",
        source=PenaltyCase.Source.COMPLAINT,
        parties=[unit_party(base.ent.b_general)],
    )
    return case
