"""Facts about an applicant: the registry the rules, the calculator and the interview share.

Every fact a rule may use is declared here with its kind, a plain Chinese question and,
for choices, the allowed values with Chinese labels.  ``FactSpec.parse`` turns a typed
answer into a value (or raises :class:`FactError` with a message a person understands);
:func:`normalize_facts` validates a whole mapping before the calculator uses it.

Kinds: ``choice`` (one value), ``multi`` (a set of values), ``money`` (int yuan),
``count`` (int), ``bool``, ``number`` (Decimal).  An absent fact is unknown, never zero.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from knowledge.errors import FactError
from knowledge.money import format_yuan, parse_count, parse_money

__all__ = [
    "FACTS", "KINDS", "TOPICS", "FactSpec", "normalize_fact",
    "normalize_facts", "parse_count", "parse_money",
]

KINDS = ("choice", "multi", "money", "count", "bool", "number")
MAX_MONEY_YUAN = 100_000_000_000  # 1000亿元: anything above is a typing mistake
MAX_COUNT = 100_000
_YES = {"是", "有", "对", "是的", "有的", "yes", "y", "true", "1", "已", "已经"}
_NO = {"否", "不是", "没有", "无", "不", "没", "no", "n", "false", "0", "未"}
_NONE_WORDS = {"无", "没有", "都没有", "均无", "都不是", "没", "none", "无以上"}
_SPLIT_RE = re.compile(r"[，,；;/\n]+")


@dataclass(frozen=True)
class FactSpec:
    """One fact: name, kind, the question asked for it, allowed choices, an example."""

    name: str
    kind: str
    question: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    example: str = ""
    unit: str = ""  # 项, 家, 件 for counts (used in explanations)
    max_value: int = 0  # 0: the kind's default bound
    aliases: Mapping[str, str] = field(default_factory=dict)  # extra words for a choice

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)

    def parse(self, text: str) -> object:
        """A typed answer → value; FactError with a Chinese message when it cannot be read."""
        raw = str(text).strip()
        if not raw:
            raise FactError(self.name, "请填写答案。")
        if self.kind in ("money", "count", "number") and re.match(r"[-－−负]", raw):
            raise FactError(self.name, f"{self.label}不能是负数（收到 {raw}）。")
        if self.kind == "money":
            yuan = parse_money(raw)
            if yuan is None:
                raise FactError(self.name, f"没有看懂这个金额，请写成{self._example()}。")
            if re.fullmatch(r"[\d,，.]+", raw) and yuan < 10_000:
                raise FactError(self.name, f"请注明单位（元、万元或亿元），{self._example()}。")
            return self.validate(yuan)
        if self.kind == "count":
            count = parse_count(raw)
            if count is None:
                raise FactError(self.name, f"请填写一个不小于0的整数，{self._example()}。")
            return self.validate(count)
        if self.kind == "number":
            try:
                return self.validate(Decimal(raw))
            except InvalidOperation:
                raise FactError(self.name, f"请填写一个数字，{self._example()}。") from None
        if self.kind == "bool":
            word = raw.lower().rstrip("。.!！")
            if word in _YES:
                return True
            if word in _NO:
                return False
            raise FactError(self.name, "请回答“是”或“否”。")
        if self.kind == "choice":
            value = self._match_choice(raw)
            if value is None:
                raise FactError(self.name, f"请从以下选项中选择：{self._labels()}。")
            return value
        if raw.lower() in _NONE_WORDS:
            return frozenset()
        values = set()
        for part in (p for p in _SPLIT_RE.split(raw) if p):
            value = self._match_choice(part)
            if value is None:
                raise FactError(self.name, f"“{part}”不是可选项；可选：{self._labels()}。")
            values.add(value)
        return frozenset(values)

    def validate(self, value: object) -> object:
        """Check and normalise a value of this fact (any accepted Python form)."""
        if self.kind in ("money", "count"):
            number = _as_int(self.name, value)
            if number < 0:
                raise FactError(self.name, f"{self.label}不能是负数（收到 {number}）。")
            limit = self.max_value or (MAX_MONEY_YUAN if self.kind == "money" else MAX_COUNT)
            if number > limit:
                shown = format_yuan(limit) if self.kind == "money" else f"{limit}{self.unit}"
                raise FactError(self.name, f"{self.label}超过合理范围（最多{shown}），请核对。")
            return number
        if self.kind == "number":
            if isinstance(value, bool | float) or not isinstance(value, int | Decimal | str):
                raise FactError(self.name, f"{self.label}应是数字。")
            decimal = Decimal(str(value))
            if decimal < 0:
                raise FactError(self.name, f"{self.label}不能是负数。")
            return decimal
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str):
                return self.parse(value)
            raise FactError(self.name, f"{self.label}应回答“是”或“否”。")
        if self.kind == "choice":
            if isinstance(value, str) and self._match_choice(value) is not None:
                return self._match_choice(value)
            raise FactError(self.name, f"“{value}”不是可选项；可选：{self._labels()}。")
        if isinstance(value, str):
            return self.parse(value)
        if not isinstance(value, Iterable):
            raise FactError(self.name, f"{self.label}应是选项列表。")
        chosen = set()
        for item in value:
            matched = self._match_choice(str(item))
            if matched is None:
                raise FactError(self.name, f"“{item}”不是可选项；可选：{self._labels()}。")
            chosen.add(matched)
        return frozenset(chosen)

    def _match_choice(self, text: str) -> str | None:
        """A value, its label, an alias, or a fragment found in exactly one label."""
        cleaned = text.strip()
        for value, label in self.choices:
            if cleaned in (value, label):
                return value
        if cleaned in self.aliases:
            return self.aliases[cleaned]
        if len(cleaned) >= 2:
            hits = [value for value, label in self.choices if cleaned in label]
            if len(hits) == 1:
                return hits[0]
        return None

    def _labels(self) -> str:
        return "、".join(label for _, label in self.choices)

    def _example(self) -> str:
        return self.example or "例如：80万元"


def _as_int(name: str, value: object) -> int:
    if isinstance(value, bool):
        raise FactError(name, "应是数字，而不是“是/否”。")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float):
        number = Decimal(str(value))
        if number != number.to_integral_value():
            raise FactError(name, f"应是整数（收到 {value}）。")
        return int(number)
    if isinstance(value, str):
        spec = FACTS.get(name)
        parsed = spec.parse(value) if spec else None
        if isinstance(parsed, int):
            return parsed
    raise FactError(name, f"无法识别的数值：{value!r}。")


def _spec(name: str, kind: str, label: str, question: str, choices: Iterable[tuple[str, str]] = (),
          example: str = "", unit: str = "", aliases: Mapping[str, str] | None = None) -> FactSpec:
    return FactSpec(name, kind, question, label, tuple(choices), example, unit,
                    aliases=dict(aliases or {}))


APPLICANT_TYPES = (
    ("enterprise", "企业"),
    ("service_institution", "科技服务机构（技术转移、知识产权、检验检测等）"),
    ("incubator", "科技企业孵化器或众创空间的运营机构"),
    ("university", "高等院校"),
    ("research_institute", "科研院所"),
    ("public_institution", "其他公益性事业单位"),
    ("medical_institution", "医疗机构"),
    ("social_org", "社会组织（协会、学会、商会等）"),
    ("district_gov", "区市人民政府（管委）"),
    ("town_gov", "镇（乡）人民政府"),
    ("science_envoy", "科技特派员（个人）"),
)

_FACT_LIST = (
    _spec("applicant_types", "multi", "申报主体类型", "贵单位属于哪类主体？（可多选）",
          APPLICANT_TYPES, "例如：企业",
          aliases={"公司": "enterprise", "孵化器": "incubator", "众创空间": "incubator",
                   "高校": "university", "大学": "university", "研究院": "research_institute",
                   "医院": "medical_institution", "区政府": "district_gov",
                   "镇政府": "town_gov", "科技服务机构": "service_institution"}),
    _spec("platform_titles", "multi", "创新平台认定",
          "贵单位获得了以下哪些创新平台认定？（可多选，都没有请直接点“选好了”）",
          (("tech_centre_city_pilot", "列入市级试点技术创新中心"),
           ("tech_centre_provincial", "认定为省级技术创新中心"),
           ("tech_centre_national", "认定为国家级技术创新中心"),
           ("intl_coop_base_provincial", "认定为省级国际合作基地"),
           ("intl_coop_base_national", "认定为国家级国际合作基地"),
           ("new_rnd_institution", "自建研究院等新型研发机构（重点新型研发机构）"),
           ("gov_cobuilt", "市政府引进或参与共建的创新平台、新型研发机构"),
           ("key_platform", "新认定或建设成效突出的重点实验室、工程技术研究中心、企业技术中心"),
           ("clinical_centre_city", "市级临床医学研究中心首次通过绩效评价"),
           ("clinical_centre_upgraded", "临床医学研究中心升级为省级以上"),
           ("overseas_rnd", "在海外设立研发中心、联合实验室或过渡型研发机构")),
          "例如：列入市级试点技术创新中心"),
    _spec("incubation_titles", "multi", "孵化载体认定",
          "贵单位运营的孵化载体获得了以下哪些认定？（可多选）",
          (("incubator_national", "国家级科技企业孵化器"),
           ("maker_space_national", "国家专业化众创空间"),
           ("brand_incubator_sd", "山东省品牌科技企业孵化器或众创空间"),
           ("incubator_city", "市级或省级科技企业孵化器、众创空间"),
           ("star_maker", "星创天地"),
           ("agri_station", "农科驿站"),
           ("univ_park_provincial", "升级为省级大学科技园"),
           ("univ_park_national", "升级为国家大学科技园")),
          "例如：国家级科技企业孵化器"),
    _spec("transfer_titles", "multi", "技术转移相关认定",
          "贵单位在技术转移方面获得了以下哪些称号或奖励？（可多选）",
          (("tt_demo_national", "国家级技术转移示范机构（示范性国家技术转移机构）"),
           ("tt_demo_provincial", "省级技术转移示范机构（省级技术转移服务机构）"),
           ("tech_market_award_national", "获得国家技术市场奖励"),
           ("tech_market_award_provincial", "获得省技术市场奖励"),
           ("tt_registered_excellent", "在威海市备案且考核优秀的技术转移服务机构"),
           ("broker_programme", "开设了技术转移经纪专业（高校院所）")),
          "例如：省级技术转移示范机构"),
    _spec("enterprise_titles", "multi", "资质认定", "贵单位获得了以下哪些资质认定？（可多选）",
          (("hitech_first", "首次通过高新技术企业认定"),
           ("hitech_renewal", "重新通过高新技术企业认定"),
           ("advanced_tech_service", "认定为技术先进型服务企业"),
           ("patent_ops_pilot", "认定为国家专利运营试点")),
          "例如：首次通过高新技术企业认定"),
    _spec("region_titles", "multi", "区域创新称号",
          "本区市（镇）获得了以下哪些称号或批复？（可多选）",
          (("innovative_county", "创建为国家创新型县（市）"),
           ("innovative_town", "创建为国家创新型乡镇"),
           ("hightech_zone", "获批国家或省级高新区（农高区）、农业科技园区"),
           ("innovation_park", "建设科技创新园区、大学科技园且成效突出")),
          "例如：创建为国家创新型县（市）"),
    _spec("activities", "multi", "开展的活动", "贵单位开展了以下哪些活动？（可多选）",
          (("contest_host", "举办或承办有影响力的创新创业大赛、创客活动周等活动"),
           ("district_event", "在区市承办或专场举办技术创新论坛、创新创业大赛等双创活动"),
           ("matchmaking_event", "举办成果拍卖会、发布会、路演等科技成果精准对接活动"),
           ("trading_platform", "建设区域性、行业性技术市场交易平台"),
           ("researcher_service", "组织科研人员深入威海企业开展技术服务"),
           ("institution_introduced", "引进高校院所、科研机构来威建立分校（院）、研究院等"),
           ("military_institute", "军队科研院所改制后落户威海"),
           ("shared_services_purchase", "购买共享科技服务（仪器共享、检验检测等）"),
           ("major_patent_transfer", "在重大专利技术转移转化和产业化方面作出贡献")),
          "例如：举办成果拍卖会、发布会、路演等科技成果精准对接活动"),
    _spec("incubatees_upgraded", "count", "升级为高新技术企业的在孵企业数",
          "近一年，贵孵化器（众创空间）有几家在孵企业在3年孵化期内成功升级为高新技术企业？",
          example="例如：5家", unit="家"),
    _spec("results_transferred", "count", "促成在市内转化的科技成果数",
          "近一年，贵机构促成高校院所的科技成果在威海市内转化了几项？",
          example="例如：3项", unit="项"),
    _spec("tt_contract_turnover_yuan", "money", "年度技术合同成交额",
          "贵机构年度技术合同成交额是多少？（同一项目多次转让的，只计增值部分）",
          example="例如：300万元"),
    _spec("patent_grants", "count", "年度代理市内发明专利授权数",
          "贵机构年度代理威海市内发明专利授权多少件？", example="例如：120件", unit="件"),
    _spec("registered_tech_purchase_yuan", "money", "经登记的年度技术交易额",
          "贵单位近一年经登记的技术交易额是多少？（购买技术、专利等，合同经技术合同登记机构认定登记）",
          example="例如：80万元"),
    _spec("provincial_funds_yuan", "money", "省拨资金",
          "省里拨付给贵孵化器（众创空间）的品牌奖补资金是多少？", example="例如：100万元"),
    _spec("county_st_funds_yuan", "money", "县级财政科技专项资金",
          "本区市县级财政科技专项资金是多少？", example="例如：3000万元"),
    _spec("county_contribution_yuan", "money", "县级出资额度",
          "本区市为引进该机构出资多少？", example="例如：500万元"),
    _spec("has_rnd_spending", "bool", "有研发费用投入", "贵单位上一年度是否有研发费用投入？"),
    _spec("district", "choice", "所在区市", "贵单位在哪个区市？",
          (("huancui", "环翠区"), ("wendeng", "文登区"), ("rongcheng", "荣成市"),
           ("rushan", "乳山市"), ("gaoqu", "高区"), ("jingqu", "经区"), ("lingang", "临港区"),
           ("nanhai", "南海新区"), ("zongbao", "综保区")),
          "例如：荣成市",
          aliases={"荣成": "rongcheng", "文登": "wendeng", "乳山": "rushan", "环翠": "huancui",
                   "火炬高技术产业开发区": "gaoqu", "经济技术开发区": "jingqu"}),
)

FACTS: dict[str, FactSpec] = {spec.name: spec for spec in _FACT_LIST}
FACT_ORDER: dict[str, int] = {name: i for i, name in enumerate(FACTS)}

# Topics a question can be about; rules list the topics they belong to.  Keywords are
# plain substrings looked for in the question.
TOPICS: dict[str, tuple[str, ...]] = {
    "tech_centre": ("技术创新中心",),
    "intl_coop": ("国际合作基地",),
    "new_rnd": ("新型研发机构", "研究院"),
    "tech_transfer": ("技术转移", "成果转化", "成果转移", "中介", "技术经纪", "技术合同成交"),
    "tech_market": ("技术市场",),
    "incubator": ("孵化器", "众创空间", "孵化"),
    "contest": ("大赛", "创客活动周", "双创活动", "论坛"),
    "univ_park": ("大学科技园", "科技园"),
    "hitech": ("高新技术企业", "高企"),
    "advanced_service": ("技术先进型服务企业", "技术先进型"),
    "patent": ("专利", "知识产权"),
    "overseas_rnd": ("海外", "境外", "走出去"),
    "innovative_region": ("创新型县", "创新型乡镇", "创新型城市", "高新区", "农高区",
                          "农业科技园区"),
    "rnd_subsidy": ("研发补助", "研究开发财政补助", "研发投入", "研发费用", "研发经费"),
    "clinical": ("临床医学研究中心", "医院"),
    "star_maker": ("星创天地", "农科驿站"),
    "tech_purchase": ("购买技术", "买技术", "买了", "购买专利", "技术交易", "引进技术", "购买",
                      "受让"),
    "matchmaking": ("对接", "拍卖会", "发布会", "路演"),
    "broker_programme": ("经纪专业",),
    "science_envoy": ("科技特派员", "特派员"),
    "district_funding": ("科技专项资金", "县级出资", "因素分配"),
    "innovation_voucher": ("创新券",),
    "platform": ("重点实验室", "工程技术研究中心", "企业技术中心", "创新平台"),
    "military": ("军队", "军民融合"),
}


def normalize_fact(name: str, value: object) -> object:
    """One fact checked and normalised; FactError for an unknown name or a bad value."""
    spec = FACTS.get(name)
    if spec is None:
        raise FactError(name, "未知的事实项。")
    return spec.validate(value)


def normalize_facts(facts: Mapping[str, object]) -> dict[str, object]:
    """All facts checked; ``None`` values are dropped (unknown, never zero)."""
    return {name: normalize_fact(name, value) for name, value in sorted(facts.items())
            if value is not None}
