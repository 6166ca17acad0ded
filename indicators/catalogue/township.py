"""Default township indicators: 乡镇创五强 (乡, 镇, 街道).

Illustrative data, see the package docstring."""

DIMENSIONS: list[dict] = [
    {
        "name": "领导班子强",
        "indicators": [
            {
                "code": "T-01",
                "title": "党委班子建设",
                "guide": "班子团结、民主集中制执行到位，民主生活会质量高；民主生活会未按期召开的扣4分，"
                "议事规则不健全的扣2分，扣完为止。",
                "max_score": "9",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "T-02",
                "title": "抓基层党建工作责任制落实",
                "guide": '党委书记履行第一责任人职责，班子成员落实"一岗双责"和党建联系点制度；'
                "未制定责任清单的扣4分，联系点工作无记录的每人扣1分，扣完为止。",
                "max_score": "9",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "T-03",
                "title": "党风廉政建设（一票否决）",
                "guide": "班子成员发生严重违纪违法问题的，实行一票否决；"
                "落实全面从严治党主体责任不到位被通报的每次扣3分，扣完为止。",
                "max_score": "7",
                "applies_to": "all",
                "is_veto": True,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "组织引领强",
        "indicators": [
            {
                "code": "T-04",
                "title": "村（社区）党组织分类推进",
                "guide": "分类推进村（社区）党组织创建，整顿软弱涣散党组织；整顿未按期销号的每个扣3分，"
                "创建达标率未完成年度目标的扣3分，扣完为止。",
                "max_score": "9",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "T-05",
                "title": "党员队伍建设管理",
                "guide": "党员发展计划完成、流动党员管理规范；发展计划未完成的扣2分，"
                "失联党员未排查处置的每人扣1分，扣完为止。",
                "max_score": "7",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "T-06",
                "title": "村（社区）干部队伍建设",
                "guide": "村（社区）干部培训全覆盖、报酬待遇落实到位；培训未全覆盖的扣3分，"
                "报酬未按时足额发放的扣3分，扣完为止。",
                "max_score": "7",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "服务能力强",
        "indicators": [
            {
                "code": "T-07",
                "title": "党群（便民）服务中心建设",
                "guide": "服务事项清单化、一站式办理，实行首问负责和限时办结；未公开服务清单的扣3分，"
                "群众办事投诉查实的每件扣1分，扣完为止。",
                "max_score": "9",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "T-08",
                "title": '街道"大工委"和区域化党建',
                "guide": "建立街道党建联席会议制度，辖区单位共驻共建；"
                "联席会议每年少于4次的每少一次扣1分，"
                "共建项目未落实的每项扣1分，扣完为止。",
                "max_score": "6",
                "applies_to": "urban",
                "is_veto": False,
                "evidence_required": True,
            },
        ],
    },
    {
        "name": "经济发展强",
        "indicators": [
            {
                "code": "T-09",
                "title": "村级集体经济壮大",
                "guide": "辖区村集体经济年收入均达5万元以上，10万元以上村占比逐年提高；"
                "每有1个村低于5万元扣2分，收入报表不实的扣4分，扣完为止。",
                "max_score": "8",
                "applies_to": "rural",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "T-10",
                "title": "乡村特色产业发展",
                "guide": '围绕乡村振兴培育特色产业，推行"党组织+合作社+农户"模式；'
                "无主导产业规划的扣3分，带动增收成效不明显的扣1.5分，扣完为止。",
                "max_score": "6",
                "applies_to": "rural",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "T-11",
                "title": "营商环境和项目服务",
                "guide": "党员干部包保重点项目、服务市场主体；重点项目推进滞后被通报的每次扣2分，"
                "企业诉求未按期回应的每件扣0.5分，扣完为止。",
                "max_score": "7",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "基层治理强",
        "indicators": [
            {
                "code": "T-12",
                "title": "党建引领网格化治理",
                "guide": "构建乡镇（街道）—村（社区）—网格—小组四级治理体系；体系不健全的扣4分，"
                "网格事项办结率低于90%的扣2分，扣完为止。",
                "max_score": "9",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "T-13",
                "title": "小区党支部和业主委员会建设",
                "guide": "符合条件的居民小区应建尽建党支部，业主委员会中党员比例达标；"
                "小区党组织覆盖率低于80%的扣4分，业委会未规范运行的每个扣1分，扣完为止。",
                "max_score": "8",
                "applies_to": "urban",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "T-14",
                "title": "矛盾纠纷多元化解",
                "guide": "健全矛盾纠纷排查调处机制，信访积案按期化解；未建立排查台账的扣3分，"
                "发生越级非访的每起扣2分，扣完为止。",
                "max_score": "7",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "T-15",
                "title": "安全稳定和意识形态（一票否决）",
                "guide": "发生重大安全生产事故、群体性事件或意识形态责任制落实出现严重问题的，"
                "实行一票否决；一般性问题被上级通报的每次扣2分，扣完为止。",
                "max_score": "6",
                "applies_to": "all",
                "is_veto": True,
                "evidence_required": False,
            },
        ],
    },
]
