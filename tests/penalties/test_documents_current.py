"""Documents agree with their data, and only change when their own data does (a first real use taught us that a
page full of "文书内容与当前数据不一致" warnings trains people to ignore the one that matters)."""

import pytest

from cases.penalties.models import PenaltyCase
from enforcement.documents.models import IssuedDocument
from enforcement.documents.sources import changes, source_key
from tests.penalties.factories import build_case, penalty_people


def _documents_of(case):
    """Every document in force issued from the case, its parties or its step records."""
    keys = [source_key(case)]
    keys += [source_key(party) for party in case.parties.all()]
    keys += [source_key(record) for record in case.records.all()]
    return IssuedDocument.objects.filter(source_key__in=keys, status=IssuedDocument.Status.ISSUED)


@pytest.mark.django_db
@pytest.mark.parametrize("hearing", [False, True], ids=["waived", "hearing"])
def test_a_closed_case_has_no_document_that_looks_changed(world, hearing):
    """GIVEN a 一案双罚 case taken to 结案 (with and without a hearing) WHEN each of its documents in force is
    compared with what its source would give now THEN none differs: later steps (proposal, decision, delivery,
    payment) do not make the earlier documents "stale"."""
    penalty_people(world)
    case = build_case(world, PenaltyCase.State.CLOSED, parties=("unit", "person"), hearing=hearing)
    officer = world.people.county_a_officer
    documents = list(_documents_of(case).select_related("doc_type"))
    assert len(documents) >= 10
    stale = {document.doc_type.key: changes(officer, document) for document in documents}
    assert {key: found for key, found in stale.items() if found} == {}
