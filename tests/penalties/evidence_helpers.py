"""Cases and evidence for the evidence-store and case-file tests, made with the ORM (the procedure's services
live on another branch; these tests need a case in a given state, not the way it got there)."""

import datetime

from django.utils import timezone

from cases.penalties.models import CaseParty, PenaltyCase

# Content signatures of the kinds (enforcement/uploads.py).
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
PDF_HEAD = b"%PDF-1.4\n"


def video_bytes(size):
    """``size`` bytes that are an mp4 by their first bytes, different at every offset (so order matters)."""
    body = bytes((n * 7 + n // 251) % 256 for n in range(size - len(MP4_HEAD)))
    return MP4_HEAD + body


def make_case(organisation, officer, state=PenaltyCase.State.INVESTIGATING, cause="未按规定进行安全生产教育培训"):
    case = PenaltyCase.objects.create(
        organisation=organisation, cause=cause, source=PenaltyCase.Source.INSPECTION, created_by=officer
    )
    case.officers.add(officer)
    PenaltyCase.objects.filter(pk=case.pk).update(state=state, filed_on=timezone.localdate() - datetime.timedelta(20))
    return PenaltyCase.objects.get(pk=case.pk)


def set_state(case, state, **fields):
    PenaltyCase.objects.filter(pk=case.pk).update(state=state, **fields)
    return PenaltyCase.objects.get(pk=case.pk)


def add_party(case, name="东城某化工有限公司", kind=CaseParty.Kind.UNIT, role=CaseParty.Role.UNIT, **fields):
    return CaseParty.objects.create(case=case, kind=kind, role=role, name=name, **fields)
