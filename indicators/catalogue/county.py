"""Default county indicators: 县区创六先 (县, 县级市, 区).

Illustrative data, see the package docstring."""

DIMENSIONS: list[dict] = [
    {
        "name": "责任落实机制先",
        "indicators": [
            {
                "code": "C-01",
                "title": "书记抓基层党建述职评议考核",
                "guide": "县、乡、村三级书记抓基层党建述职评议考核全覆盖；未开展的扣5分，"
                "问题整改清单未销号的每项扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-02",
                "title": '"四级联创"责任清单落实',
                "guide": "制定年度创建方案和责任清单，按月调度推进；未制定方案的扣3分，"
                "在全市现场观摩中排名后三位的扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-03",
                "title": "意识形态工作责任制（一票否决）",
                "guide": "意识形态工作责任制落实出现严重问题、造成重大负面影响的，实行一票否决；"
                "阵地管理不到位被通报的每次扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": True,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "组织体系建设先",
        "indicators": [
            {
                "code": "C-04",
                "title": "基层党组织标准化规范化建设",
                "guide": "基层党组织设置、换届、组织生活规范；未按期换届的党组织每个扣1分，"
                "年度达标创建任务未完成的扣3分，扣完为止。",
                "max_score": "6",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-05",
                "title": "软弱涣散党组织整顿",
                "guide": "按不低于5%的比例排查确定软弱涣散党组织并整顿销号；排查比例不足的扣2分，"
                "未按期销号的每个扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-06",
                "title": '"两新"组织党建覆盖',
                "guide": "非公企业和社会组织党的组织覆盖、工作覆盖达标；覆盖率每低于目标5个百分点扣1分，"
                "扣完为止。",
                "max_score": "4",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "队伍能力素质先",
        "indicators": [
            {
                "code": "C-07",
                "title": "村（社区）带头人队伍建设",
                "guide": "村（社区）党组织书记县级备案管理、后备力量储备充足；未落实县级备案的扣3分，"
                "后备力量储备不足的村每个扣0.5分，扣完为止。",
                "max_score": "6",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "C-08",
                "title": "党员发展和教育培训",
                "guide": "党员发展计划完成、党员年度集中培训全覆盖；发展计划未完成的扣2分，"
                "培训覆盖率低于90%的扣2分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-09",
                "title": "基层干部培训轮训",
                "guide": "乡镇（街道）和村（社区）干部每年轮训一遍；未完成轮训的扣3分，"
                "培训档案不全的扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "乡村振兴实力先",
        "indicators": [
            {
                "code": "C-10",
                "title": "村级集体经济发展",
                "guide": "全面消除集体经济收入5万元以下村，10万元以上村占比达到年度目标；"
                "每有1个村低于5万元扣1分，占比未达目标的扣2分，扣完为止。",
                "max_score": "6",
                "applies_to": "rural",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-11",
                "title": "乡村人才振兴",
                "guide": '实施乡村人才回引、"土专家""田秀才"培养工程；无年度人才工作计划的扣2分，'
                "回引人才任务未完成的扣1分，扣完为止。",
                "max_score": "4",
                "applies_to": "rural",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "C-12",
                "title": "驻村帮扶和巩固拓展脱贫攻坚成果",
                "guide": "驻村工作队选派管理规范，防止规模性返贫；工作队员在岗率低于要求的扣2分，"
                "帮扶工作被上级通报的每次扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "基层治理效能先",
        "indicators": [
            {
                "code": "C-13",
                "title": "城市基层党建（街道社区）",
                "guide": "健全市、区、街道、社区、小区五级联动体系，街道聚焦抓党建、抓治理、抓服务；"
                "体系不健全的扣2分，示范社区创建未达目标的扣1.5分，扣完为止。",
                "max_score": "5",
                "applies_to": "urban",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "C-14",
                "title": "红色物业和示范小区创建",
                "guide": "红色物业覆盖率和示范小区创建达到年度目标；覆盖率未达标的扣2分，"
                "示范小区创建未完成的扣1分，扣完为止。",
                "max_score": "4",
                "applies_to": "urban",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-15",
                "title": "党建引领网格化治理",
                "guide": "网格化服务管理全覆盖，网格事项闭环处置；网格覆盖不全的扣2分，"
                "事项办结率每低于目标5个百分点扣0.5分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "C-16",
                "title": "安全稳定（一票否决）",
                "guide": "发生重大安全生产事故或造成恶劣影响的群体性事件的，实行一票否决；"
                "一般性事故被通报的每起扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": True,
                "evidence_required": False,
            },
        ],
    },
    {
        "name": "服务保障质量先",
        "indicators": [
            {
                "code": "C-17",
                "title": "基层组织运转经费保障",
                "guide": "村（社区）组织运转经费和服务群众专项经费足额列入预算；未足额保障的扣3分，"
                "拨付不及时的扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-18",
                "title": "村（社区）干部报酬待遇",
                "guide": "村（社区）干部基本报酬和养老保险落实到位；报酬低于规定标准的扣3分，"
                "养老保险未落实的扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": True,
            },
            {
                "code": "C-19",
                "title": "党群服务阵地建设",
                "guide": "村（社区）党群服务中心达标、功能完善；每有1个不达标的扣0.5分，"
                "阵地挪作他用的每处扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
            {
                "code": "C-20",
                "title": "为基层减负和作风建设",
                "guide": '规范村级组织工作事务和挂牌、证明事项；"牌子多、台账多"问题反弹的扣2分，'
                "形式主义问题被通报的每次扣1分，扣完为止。",
                "max_score": "5",
                "applies_to": "all",
                "is_veto": False,
                "evidence_required": False,
            },
        ],
    },
]
