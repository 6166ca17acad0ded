"""Default indicator catalogue for the 玉溪市"四级联创" scoring demo (2022–2024).

This is a default catalogue written for the demo. It is modelled on the campaign's structure
(小组创三好、村社创四优、乡镇创五强、县区创六先: the dimensions and indicator counts per level) but the
indicator titles, scoring guides and scores are illustrative. It is NOT an official document.

Pure data, one module per level. ``CATALOGUE`` maps a level ("group", "village", "township",
"county") to its ordered dimensions; each dimension is ``{"name": str, "indicators": [...]}`` and
each indicator has the keys ``code``, ``title``, ``guide``, ``max_score`` (decimal string) and, when
set, ``title_rural``/``guide_rural`` and ``title_urban``/``guide_urban`` (the wording a rural or an
urban unit sees; the plain ``title``/``guide`` otherwise and for mixed units), ``is_veto`` and
``evidence_required`` (both false when left out).

Every unit sees every slot of its level (9/14/15/20): rural and urban work differ in wording, not
in slots. One-vote veto items are pass/fail and carry no points (max 0); the other items add up to
100. Every deduction guide can take its item down to 0 (a one-off deduction list that adds up to the
maximum, a per-occurrence deduction or a "不得分" step).
"""

from . import county, group, township, village

CATALOGUE: dict[str, list[dict]] = {
    "group": group.DIMENSIONS,
    "village": village.DIMENSIONS,
    "township": township.DIMENSIONS,
    "county": county.DIMENSIONS,
}

YEAR_NOTES: dict[int, str] = {
    2022: '2022年度首批创建指标：启动"四级联创"，达标创建覆盖30%、示范创建覆盖10%。',
    2023: "2023年度滚动创建指标：完成一批、增补一批，达标累计70%、示范累计20%。",
    2024: "2024年度收官创建指标：达标创建全覆盖，示范创建累计30%，巩固提升创建成果。",
}
