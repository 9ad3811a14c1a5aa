"""What the notice-to-execution documents print beyond the context every penalty document shares
(cases/penalties/documents/context.py): amounts in figures and in capitals (人民币大写, as a decision and a
payment document state them), the penalty in those words, the case's evidence, the articles of all violations,
and the party's decision as later documents cite it.

Every value is JSON-plain (strings, numbers, ISO dates).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from cases.penalties.documents.context import PENALTY_KINDS, iso
from cases.penalties.models import CaseParty, Evidence

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four_digits(number):
    """0 < number < 10000 in capitals, with the zeros a cheque writes ("壹仟零伍")."""
    text, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += _DIGITS[digit] + _SMALL_UNITS[position]
    return text


def _integer_capitals(number):
    """A whole number of yuan in capitals, groups of four digits with 万/亿 ("壹佰万零壹"); 0 → ""."""
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    text, zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _four_digits(group) + _BIG_UNITS[index]
        zero = False
    return text


def rmb_capitals(amount) -> str:
    """人民币大写 as financial documents write it: 30000 → "叁万元整", 1205.5 → "壹仟贰佰零伍元伍角"."""
    cents = int(Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    if cents < 0:
        raise ValueError("negative amount")
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _integer_capitals(yuan)
    text = f"{text}元" if text else ""
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text


def figures(amount) -> str:
    """Figures with thousands separators: 30000 → "30,000.00"; None → ""."""
    if amount is None:
        return ""
    return f"{Decimal(str(amount)):,.2f}"


def penalty_words(kinds, fine=None, confiscation=None, text="") -> str:
    """The penalty as the notice and the decision state it: "警告，罚款人民币叁万元整（¥30,000.00）"."""
    parts = []
    for kind in kinds or []:
        if kind == "fine" and fine is not None:
            parts.append(
                _("罚款人民币%(words)s（¥%(figures)s）") % {"words": rmb_capitals(fine), "figures": figures(fine)}
            )
        elif kind == "confiscation" and confiscation is not None:
            parts.append(
                _("没收违法所得人民币%(words)s（¥%(figures)s）")
                % {"words": rmb_capitals(confiscation), "figures": figures(confiscation)}
            )
        else:
            parts.append(str(PENALTY_KINDS.get(kind, kind)))
    words = "，".join(parts)
    text = (text or "").strip()
    if text:
        words = f"{words}（{text}）" if words else text
    return words


def articles(violations, key) -> str:
    """The articles of every violation, once each, in order: "《安全生产法》第四十一条第二款、第九十九条"."""
    return "、".join(dict.fromkeys(v[key] for v in violations if v[key]))


def evidence_rows(case) -> list[str]:
    """The case's evidence as the notice and the decision list it (证据名称：证明内容)."""
    rows = []
    for item in Evidence.objects.filter(case=case).order_by("collected_on", "id").only("title", "description"):
        rows.append(f"{item.title}（{item.description}）" if item.description else item.title)
    return rows


def decision_reference(party: CaseParty) -> dict:
    """The party's 行政处罚决定书 as later documents cite it: number, date, fine, date of service."""
    return {
        "decision_number": party.decision.number if party.decision_id else "",
        "decided_on": iso(party.decided_on),
        "decision_served_on": iso(party.decision_served_on),
        "fine": figures(party.decided_fine),
        "fine_words": rmb_capitals(party.decided_fine) if party.decided_fine is not None else "",
        "penalty": penalty_words(
            party.decided_kinds, party.decided_fine, party.decided_confiscation, party.decided_text
        ),
    }
