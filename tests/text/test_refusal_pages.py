"""The refusal as people meet it: the enterprise page re-displays what was typed with the message beside the
field; the API answers 400 naming the field; nothing is stored."""

import pytest
from django.core.exceptions import ValidationError

from enforcement.documents import glyphs
from enforcement.enterprises.models import Enterprise
from enforcement.text.characters import first_forbidden, neutralise
from enforcement.text.inputs import CODE, check_text
from tests.api.test_enterprises import new_enterprise_payload
from tests.documents.test_undrawable_text import DRAWN_BY_FALLBACK, NEVER_DRAWN
from tests.web.test_enterprise_pages import new_data

REVERSED = "东城\u202e厂工五金"  # shows as 东城金五工厂 — a reversed name on an official document


def test_web_form_refuses_a_bidi_override_and_keeps_what_was_typed(browse, world):
    before = Enterprise.objects.count()
    response = browse.as_(world.people.county_a_officer).post("/enterprises/new/", new_data(world, name=REVERSED))
    assert response.status_code == 200
    body = response.content.decode()
    assert "“单位名称”不能包含控制字符或文字方向控制符（如 U+202E），发现 U+202E。" in body
    # What was typed is still there, the invisible override shown as � where the user can see and delete it
    # (enforcement/text/middleware.py: no page carries a bidi override).
    assert 'value="东城\ufffd厂工五金"' in body and "\u202e" not in body
    assert 'value="东城区新华路8号"' in body
    assert Enterprise.objects.count() == before


def test_web_form_refuses_a_line_break_in_a_single_line_field(browse, world):
    response = browse.as_(world.people.county_a_officer).post(
        "/enterprises/new/", new_data(world, address="东城区\n新华路8号")
    )
    assert response.status_code == 200
    assert "为单行文本，不能包含换行符或制表符（发现 U+000A）。" in response.content.decode()
    assert not Enterprise.objects.filter(address__contains="新华路").exists()


@pytest.mark.parametrize("hostile", ["东城\x00五金厂", "东城\x08五金厂", REVERSED, "东城\u2067五金厂"])
def test_api_refuses_control_characters_naming_the_field(world, api, hostile):
    client = api.as_(world.people.county_a_officer)
    before = Enterprise.objects.count()
    response = client.post("/api/enterprises/", new_enterprise_payload(world, name=hostile), format="json")
    assert response.status_code == 400
    message = response.json()["name"][0]
    assert "不能包含控制字符或文字方向控制符" in message
    assert f"U+{ord(first_forbidden(hostile)):04X}" in message
    assert Enterprise.objects.count() == before  # on PostgreSQL U+0000 would have been a 500 here


def test_api_keeps_line_breaks_in_multi_line_text(world, api):
    """A remark keeps its paragraphs: TAB, LF and CR are refused only in single-line fields."""
    assert first_forbidden("第一段\r\n\t第二段", multiline=True) is None
    assert first_forbidden("第一段\r\n第二段", multiline=False) == "\r"


def test_check_text_refuses_for_paths_without_a_form():
    """The register import reads cells, not form fields: it calls the same check and gets the same message."""
    with pytest.raises(ValidationError) as refused:
        check_text("城关\u202e镇", label="属地")
    assert refused.value.code == CODE
    assert refused.value.messages == ["“属地”不能包含控制字符或文字方向控制符（如 U+202E），发现 U+202E。"]
    check_text("第一段\n第二段", multiline=True)  # no error


def test_neutralise_replaces_what_is_refused_and_keeps_line_breaks():
    assert neutralise("甲\x00乙\u202e丙\n丁\t戊") == "甲\ufffd乙\ufffd丙\n丁\t戊"


needs_fonts = pytest.mark.skipif(glyphs.coverage() is None, reason="the document fonts are not installed")


@needs_fonts
@pytest.mark.parametrize("name", [f"东城{NEVER_DRAWN}五金厂", "东城五金厂\U0001f3fb"])
def test_api_refuses_a_character_no_document_font_draws(world, api, name):
    response = api.as_(world.people.county_a_officer).post(
        "/api/enterprises/", new_enterprise_payload(world, name=name), format="json"
    )
    assert response.status_code == 400
    message = response.json()["name"][0]
    assert "含有公文字体无法显示的字符" in message and "U+1F" in message


@needs_fonts
def test_api_accepts_an_emoji_the_fallback_font_draws(world, api):
    response = api.as_(world.people.county_a_officer).post(
        "/api/enterprises/", new_enterprise_payload(world, name=f"东城{DRAWN_BY_FALLBACK}五金厂"), format="json"
    )
    assert response.status_code == 201, response.content


def test_a_name_stored_before_the_refusal_never_reads_reversed_on_a_page(browse, world):
    """GIVEN an enterprise whose name was stored with U+202E before input refused it WHEN its page and the
    register list are opened THEN neither carries the override: it shows as � and the text reads as stored."""
    enterprise = world.ent.a_general
    Enterprise.objects.filter(pk=enterprise.pk).update(name=REVERSED)
    client = browse.as_(world.people.county_a_officer)
    for url in (f"/enterprises/{enterprise.pk}/", "/enterprises/"):
        body = client.get(url).content.decode()
        assert "\u202e" not in body, url
        assert "东城\ufffd厂工五金" in body, url
