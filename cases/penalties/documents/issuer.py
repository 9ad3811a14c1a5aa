"""What the penalty documents print about the issuing bureau that the Organisation model does not hold: where
fines are paid (bank and account), the review body and the court named in the rights notice, the bureau's
address, contact person and telephone.

They come from the setting ``PENALTY_ISSUER_DETAILS`` (JSON in the environment variable of that name), keyed by
the organisation's full name, e.g. ``{"河川市东城区应急管理局": {"bank": "…", "account": "…", "court": "…"}}``.
Where a bureau has no entry, the review body and the court are derived from its name (see below) and the bank
prints as a blank line to be filled in by hand — the document says so rather than inventing an account.
"""

from django.conf import settings

# 行政复议法 (2023) 第24条: 县级以上地方各级人民政府 review the acts of their own departments.
# 行政诉讼法 第18条: the court where the agency that acted is located (unless a province centralises the cases).
_BUREAU_SUFFIXES = ("应急管理局", "应急管理委员会", "应急管理办公室", "安全生产监督管理局")

KEYS = ("bank", "account", "review_body", "court", "address", "postcode", "contact", "phone")


def _area_of(name):
    """ "河川市东城区应急管理局" → "河川市东城区"; a name without a known suffix gives ""."""
    for suffix in _BUREAU_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return ""


def issuer_details(organisation) -> dict:
    """The issuing bureau's payment, review, court and contact details, every key present (blank if unknown)."""
    configured = getattr(settings, "PENALTY_ISSUER_DETAILS", {}).get(organisation.name, {})
    area = _area_of(organisation.name)
    derived = {
        "review_body": f"{area}人民政府" if area else "",
        "court": f"{area}人民法院" if area else "",
    }
    return {key: str(configured.get(key) or derived.get(key, "")) for key in KEYS}
