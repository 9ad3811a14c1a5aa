"""The 双随机 draw algorithm (国办发〔2015〕58号: random objects, random inspectors).

Pure functions over stored inputs, so that a stored draw can be re-run and compared forever. The
ranking uses SHA-256 of (seed, kind, id) rather than Python's ``random`` so the result does not depend
on the interpreter's PRNG implementation; bump ALGORITHM_VERSION if this code ever changes.
"""

import hashlib
from collections.abc import Callable, Iterable

ALGORITHM_VERSION = "sha256-rank-v1"


class DrawError(ValueError):
    """The inputs cannot produce a valid draw (too few enterprises or officers)."""


def _rank(seed: str, kind: str, ident: int) -> bytes:
    return hashlib.sha256(f"{seed}:{kind}:{ident}".encode()).digest()


def run_draw(
    enterprise_pool: Iterable[int],
    officer_pool: Iterable[int],
    excluded_pairs: Iterable[tuple[int, int]],
    sample_size: int,
    officers_per_enterprise: int,
    seed: str,
) -> list[dict]:
    """Pick ``sample_size`` enterprises and, for each, ``officers_per_enterprise`` officers not in conflict.

    Returns [{"enterprise": id, "officers": [id, …]}, …] in draw order. Deterministic in its inputs.
    """
    enterprises = sorted(set(enterprise_pool))
    officers = sorted(set(officer_pool))
    if sample_size < 1:
        raise DrawError("抽取数量必须大于0。")
    if sample_size > len(enterprises):
        raise DrawError(f"抽取数量（{sample_size}）超过企业库数量（{len(enterprises)}）。")
    if officers_per_enterprise < 2:
        # 行政处罚法 第42条: enforcement by at least two officers.
        raise DrawError("每户执法人员不得少于2人。")
    excluded: dict[int, set[int]] = {}
    for officer, enterprise in excluded_pairs:
        excluded.setdefault(int(enterprise), set()).add(int(officer))
    chosen = sorted(enterprises, key=lambda e: _rank(seed, "enterprise", e))[:sample_size]
    result = []
    for enterprise in chosen:
        conflicted = excluded.get(enterprise, set())
        eligible = [o for o in officers if o not in conflicted]
        if len(eligible) < officers_per_enterprise:
            raise DrawError(f"企业（ID {enterprise}）回避后可选执法人员不足{officers_per_enterprise}人。")
        picked = sorted(eligible, key=lambda o: _rank(seed, f"officer:{enterprise}", o))[:officers_per_enterprise]
        result.append({"enterprise": enterprise, "officers": sorted(picked)})
    return result


# Sources of extra exclusions registered by apps downstream of plans (cases registers "officers who
# inspected this enterprise last time"); plans itself never imports cases.
_exclusion_sources: dict[str, Callable[[list[int], list[int]], list[tuple[int, int]]]] = {}


def register_exclusion_source(name: str, source: Callable[[list[int], list[int]], list[tuple[int, int]]]) -> None:
    _exclusion_sources[name] = source


def exclusion_source(name: str):
    return _exclusion_sources.get(name)
