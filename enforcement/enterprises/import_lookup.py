"""Finding the organisation and the sector a register row names, the way counties write them.

County sheets name a township the short way ("城关镇", "城关") while the organisation is registered as
"郾城区城关镇人民政府" with short name "城关"; sectors come in dialect ("危化", "工贸(机械)"). Matching is
done within the importing user's scope, so a short name need only be unique within the county; when it is
not, the message lists the candidates.
"""

import unicodedata

from django.utils.translation import gettext as _

from enforcement.enterprises.models import Sector, SectorAlias
from enforcement.orgs.models import Organisation

# Suffixes of a body's name that counties leave out; then the kind of place (乡, 镇, 街道) may go too.
# ("街道办事处" is 街道 + 办事处: both forms, "城关街道" and "城关", are produced.)
BODY_SUFFIXES = ("人民政府", "办事处", "应急管理局", "管理委员会", "管委会")
PLACE_SUFFIXES = ("街道", "镇", "乡")
MAX_CANDIDATES = 5


def fold(value) -> str:
    """Comparison key: NFKC (full-width → half-width), no whitespace at all, case-folded."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def _strip_suffix(key, suffixes):
    for suffix in suffixes:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return None


def region_of(org) -> str:
    """The place an organisation is named after: "东城区应急管理局" → "东城区"."""
    key = fold(org.name)
    return _strip_suffix(key, BODY_SUFFIXES) or key


def short_forms(key):
    """The ways a folded name is shortened, most specific first: without the body suffix, then the place kind."""
    forms = [key]
    body = _strip_suffix(key, BODY_SUFFIXES)
    if body:
        forms.append(body)
    place = _strip_suffix(body or key, PLACE_SUFFIXES)
    if place:
        forms.append(place)
    return forms


class OrgIndex:
    """The organisations a user may assign, found by name, division code, short name or a short form."""

    def __init__(self, user):
        in_scope = list(Organisation.objects.restrict(user, "view").order_by("path"))
        self.scope_ids = {o.pk for o in in_scope}
        self.by_id = {o.pk: o for o in in_scope}
        # Ancestors outside the scope (the city above a county) can still be a responsible body.
        ancestor_ids = {int(p) for o in in_scope for p in o.path.strip("/").split("/") if p} - self.scope_ids
        if ancestor_ids:
            self.by_id.update({o.pk: o for o in Organisation.objects.filter(pk__in=ancestor_ids)})
        self.by_name, self.by_code, self.by_short, self.by_form = {}, {}, {}, {}
        # Regions of the bodies above a unit: the prefix a county writes or leaves out ("东城区").
        self.regions = {}
        for org in in_scope:
            self.by_name.setdefault(fold(org.name), []).append(org)
            if org.division_code:
                self.by_code.setdefault(fold(org.division_code), []).append(org)
            if org.short_name:
                self.by_short.setdefault(fold(org.short_name), []).append(org)
            ancestors = [a for a in self.chain(org) if a.pk != org.pk]
            self.regions[org.pk] = {region_of(a) for a in ancestors}
            for form in self._forms(fold(org.name), self.regions[org.pk]):
                bucket = self.by_form.setdefault(form, [])
                if org not in bucket:
                    bucket.append(org)
        self.all_regions = sorted({r for regions in self.regions.values() for r in regions}, key=len, reverse=True)

    @staticmethod
    def _forms(key, regions):
        forms = short_forms(key)
        for region in regions:
            if key.startswith(region) and len(key) > len(region):
                forms += short_forms(key[len(region) :])
        return forms

    def find(self, text):
        """(organisation, error message)."""
        key = fold(text)
        for index in (self.by_name, self.by_code, self.by_short):
            matches = index.get(key)
            if matches:
                if len(matches) > 1:
                    return None, self._ambiguous(text, matches)
                return matches[0], None
        # The county prefix, when written, narrows the candidates to that county.
        region = next((r for r in self.all_regions if key.startswith(r) and len(key) > len(r)), None)
        rest = key[len(region) :] if region else key
        for form in short_forms(rest):
            matches = self.by_form.get(form, [])
            if region:
                matches = [o for o in matches if region in self.regions[o.pk] or region_of(o) == region]
            if len(matches) == 1:
                return matches[0], None
            if matches:
                return None, self._ambiguous(text, matches)
        return None, _("“%(value)s”不存在或不在您的管辖范围内。") % {"value": text}

    @staticmethod
    def _ambiguous(text, matches):
        names = "、".join(
            f"{o.name}（{o.division_code}）" if o.division_code else o.name for o in matches[:MAX_CANDIDATES]
        )
        return _("“%(value)s”对应多个单位：%(names)s。请填写全称或行政区划代码。") % {"value": text, "names": names}

    def chain(self, org):
        """The organisation and its ancestors (R-03: the possible responsible bodies)."""
        ids = [int(p) for p in org.path.strip("/").split("/") if p]
        return [self.by_id[i] for i in ids if i in self.by_id]

    def find_responsible(self, text, org):
        key = fold(text)
        for candidate in self.chain(org):
            keys = {fold(candidate.name), fold(candidate.division_code or "\0"), fold(candidate.short_name)}
            if key in keys or key in short_forms(fold(candidate.name)):
                return candidate, None
        return None, _("“%(value)s”不是属地单位本身或其上级单位（一家生产经营单位只对应一个层级的执法主体）。") % {
            "value": text
        }

    def label(self, org_id):
        org = self.by_id.get(org_id)
        if org is None:
            return str(org_id)
        return org.name


class SectorIndex:
    """Sectors by name, code and the aliases administrators keep (SectorAlias)."""

    def __init__(self):
        self.sectors = list(Sector.objects.all())
        self.by_key = {}
        for sector in self.sectors:
            self.by_key.setdefault(fold(sector.name), sector)
            self.by_key.setdefault(fold(sector.code), sector)
        self.by_id = {s.pk: s for s in self.sectors}
        self.by_alias = {fold(a.alias): self.by_id[a.sector_id] for a in SectorAlias.objects.all()}

    def find(self, text):
        """(sector, error message, whether an alias was used)."""
        key = fold(text)
        sector = self.by_key.get(key)
        if sector is not None:
            return sector, None, False
        sector = self.by_alias.get(key)
        if sector is not None:
            return sector, None, True
        names = "、".join(s.name for s in self.sectors if s.is_active)
        return (
            None,
            _("“%(value)s”不是已登记的行业领域或别名（可选：%(names)s；系统管理员可在“行业领域别名”中添加）。")
            % {"value": text, "names": names},
            False,
        )
