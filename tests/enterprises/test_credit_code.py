"""统一社会信用代码 (GB 32100-2015): check character, length, alphabet, normalisation, Chinese messages."""

import pytest
from django.core.exceptions import ValidationError

from enforcement.enterprises.credit_code import check_character, make_code, normalise, validate_credit_code

VALID = ["91350100M000100Y43", "914403001922038216", "91110000802100433B"]


def message_of(value):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(value)
    return info.value.messages[0]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass_and_come_back_normalised(code):
    assert validate_credit_code(code) == code
    assert check_character(code[:17]) == code[17]


def test_wrong_check_character_names_the_expected_one():
    message = message_of("91350100M000100Y44")
    assert "校验位错误" in message
    assert "应为“3”" in message and "实际为“4”" in message


@pytest.mark.parametrize("code, length", [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("9135", 4)])
def test_wrong_length(code, length):
    assert message_of(code) == f"统一社会信用代码应为18位，当前为{length}位。"


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_alphabet_are_refused(bad):
    code = "91350100M000100Y43"
    message = message_of(code[:8] + bad + code[9:])
    assert "非法字符" in message
    assert bad in message
    assert "不得使用I、O、Z、S、V" in message


def test_symbols_are_illegal_characters():
    assert "非法字符：-" in message_of("91350100-000100Y43")


def test_empty_code_is_required():
    assert message_of("   ") == "统一社会信用代码不能为空。"


def test_full_width_and_spaces_are_normalised():
    assert validate_credit_code("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert validate_credit_code(" 9135 0100m000\u3000100y43 ") == "91350100M000100Y43"


def test_codes_stored_as_numbers():
    assert normalise(914403001922038216) == "914403001922038216"
    assert validate_credit_code(914403001922038216) == "914403001922038216"
    # A whole float keeps no ".0"; Excel's 15-digit floats cannot carry an 18-digit code, so the check fails.
    assert normalise(123.0) == "123"
    assert "校验位错误" in message_of(float(914403001922038216))


def test_make_code_appends_a_valid_check_character():
    code = make_code("91410100000000001")
    assert len(code) == 18
    assert validate_credit_code(code) == code
