"""Default indicator catalogue for the 玉溪市"四级联创" scoring demo (2022–2024).

This is a default catalogue written for the demo. It is modelled on the campaign's structure
(小组创三好、村社创四优、乡镇创五强、县区创六先: the dimensions and indicator counts per level) but the
indicator titles, scoring guides and scores are illustrative. It is NOT an official document.

Pure data: ``CATALOGUE`` maps a level ("group", "village", "township", "county") to its ordered
dimensions; each dimension is ``{"name": str, "indicators": [...]}`` and each indicator has the keys
``code``, ``title``, ``guide``, ``max_score`` (decimal string), ``applies_to`` ("all"/"rural"/"urban"),
``is_veto`` and ``evidence_required``.

For group, village and township: sum("all") + sum("rural") == 100 and sum("all") + sum("urban") == 100,
so a rural unit and an urban unit are both scored out of 100. Counties are mixed and see every
indicator: the sum of all county max scores is 100.
"""

CATALOGUE: dict[str, list[dict]] = {
    # 小组创三好 — 村民小组 / 居民小组 / 居民小区
    "group": [
        {
            "name": "组织建设好",
            "indicators": [
                {
                    "code": "G-01",
                    "title": "党组织设置规范",
                    "guide": "党员3人以上的小组单独建立党支部（党小组），未按规定设置的扣6分；"
                    "党组织负责人空缺超过3个月的扣3分，扣完为止。",
                    "max_score": "12",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "G-02",
                    "title": '"三会一课"制度落实',
                    "guide": "按期召开党小组会、上党课并规范记录；会议记录缺一次扣1分，"
                    "记录内容不完整的每次扣0.5分，扣完为止。",
                    "max_score": "13",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "G-03",
                    "title": "党员教育管理",
                    "guide": "党员按月参加主题党日、按时足额交纳党费；"
                    "每有1名党员无故连续3次不参加组织生活扣1分，"
                    "党费未按时交纳的每人次扣0.5分，扣完为止。",
                    "max_score": "10",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": False,
                },
            ],
        },
        {
            "name": "自治管理好",
            "indicators": [
                {
                    "code": "G-04",
                    "title": "小组长（楼栋长）选配",
                    "guide": "小组长按程序推选产生、党员小组长占比达标；未按程序推选的扣5分，"
                    "小组长长期不在岗的扣3分，扣完为止。",
                    "max_score": "10",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": False,
                },
                {
                    "code": "G-05",
                    "title": "村规民约（居民公约）执行",
                    "guide": "制定并公示村规民约（居民公约），群众知晓率高；未制定的扣5分，"
                    "未公示或执行不到位的扣2分，发现违约事项未处理的每件扣1分，扣完为止。",
                    "max_score": "10",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "G-06",
                    "title": "小组集体资产资源管理",
                    "guide": "集体资产、资源、资金登记造册，收支按月公开；未建台账的扣7.5分，"
                    "收支未公开的每月扣1分，扣完为止。",
                    "max_score": "15",
                    "applies_to": "rural",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "G-07",
                    "title": "小区业主自治与红色物业",
                    "guide": "小区党支部领导业主委员会、物业服务企业协同运行；未建立三方协调机制的扣7.5分，"
                    "业主投诉未按期办结的每件扣1分，扣完为止。",
                    "max_score": "15",
                    "applies_to": "urban",
                    "is_veto": False,
                    "evidence_required": True,
                },
            ],
        },
        {
            "name": "服务群众好",
            "indicators": [
                {
                    "code": "G-08",
                    "title": "党员联系服务群众",
                    "guide": "落实党员联系户制度，为群众办实事有记录；联系户覆盖不全的扣3分，"
                    "群众反映问题未及时回应的每件扣1分，扣完为止。",
                    "max_score": "15",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "G-09",
                    "title": "安全稳定（一票否决）",
                    "guide": "小组内发生重大安全生产事故、群体性事件或党员严重违纪违法问题的，实行一票否决；"
                    "发生一般性安全隐患未及时处置的每起扣3分，扣完为止。",
                    "max_score": "15",
                    "applies_to": "all",
                    "is_veto": True,
                    "evidence_required": False,
                },
            ],
        },
    ],
    # 村社创四优 — 村 / 社区
    "village": [
        {
            "name": "领导班子优",
            "indicators": [
                {
                    "code": "V-01",
                    "title": '村（社区）"两委"班子结构',
                    "guide": "班子职数配齐、年龄学历结构合理、按期换届；未按期换届的扣5分，"
                    "班子成员空缺每人扣2分，扣完为止。",
                    "max_score": "10",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": False,
                },
                {
                    "code": "V-02",
                    "title": "党组织书记（带头人）队伍建设",
                    "guide": '书记政治素质好、带富能力强，落实"一肩挑"和后备力量培养；'
                    "未储备后备力量的扣3分，书记年度考核为基本称职的扣5分，扣完为止。",
                    "max_score": "10",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": False,
                },
                {
                    "code": "V-03",
                    "title": '"四议两公开"决策规范',
                    "guide": '重大事项按"四议两公开"程序决策；程序缺失的每件扣2分，'
                    "记录不完整的每件扣0.5分，扣完为止。",
                    "max_score": "8",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
            ],
        },
        {
            "name": "党员队伍优",
            "indicators": [
                {
                    "code": "V-04",
                    "title": "党员发展质量",
                    "guide": "按计划发展党员、注重从青年农民和致富能手中发展；连续2年未发展党员的扣4分，"
                    "发展程序不规范的每人扣1分，扣完为止。",
                    "max_score": "7",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "V-05",
                    "title": '"三会一课"和主题党日落实',
                    "guide": "按期召开支部党员大会、支委会、党小组会，按时上党课，每月开展主题党日；"
                    "缺一次扣1分，记录不规范的每次扣0.5分，扣完为止。",
                    "max_score": "10",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "V-06",
                    "title": "党员设岗定责与作用发挥",
                    "guide": "无职党员设岗定责、亮身份作表率；未开展设岗定责的扣3分，"
                    "党员积分管理未落实的扣2分，其他不到位的酌情扣0.5—1.5分，扣完为止。",
                    "max_score": "6.5",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": False,
                },
            ],
        },
        {
            "name": "发展服务优",
            "indicators": [
                {
                    "code": "V-07",
                    "title": "村级集体经济收入",
                    "guide": "集体经济年经营性收入达到10万元以上的得满分；5万至10万元的得5分，"
                    "5万元以下的不得分；收入报表与台账不符的扣2分。",
                    "max_score": "10",
                    "applies_to": "rural",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "V-08",
                    "title": "特色产业发展与农民增收",
                    "guide": "培育1个以上主导产业、党组织领办合作社运行良好；无主导产业的扣3分，"
                    '合作社"空壳"运行的扣2分，扣完为止。',
                    "max_score": "6",
                    "applies_to": "rural",
                    "is_veto": False,
                    "evidence_required": False,
                },
                {
                    "code": "V-09",
                    "title": "红色物业建设",
                    "guide": "推动物业服务企业成立党组织或选派党建指导员，小区物业覆盖率达标；"
                    "未开展红色物业创建的扣4分，物业纠纷未协调处理的每件扣1分，扣完为止。",
                    "max_score": "8",
                    "applies_to": "urban",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "V-10",
                    "title": '在职党员"双报到"服务',
                    "guide": "机关企事业单位党组织和在职党员到社区报到并认领服务项目；"
                    "报到率低于90%的扣3分，未建立服务项目清单的扣2分，扣完为止。",
                    "max_score": "8",
                    "applies_to": "urban",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "V-11",
                    "title": "便民服务站点运行",
                    "guide": "党群服务中心（便民服务站）坐班值守、代办服务常态运行；未落实坐班制度的扣3分，"
                    "群众办事投诉查实的每件扣1分，扣完为止。",
                    "max_score": "6.5",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": False,
                },
            ],
        },
        {
            "name": "基层治理优",
            "indicators": [
                {
                    "code": "V-12",
                    "title": "党建引领网格化治理",
                    "guide": "网格划分合理、网格员配备到位，党小组建在网格上；网格员未配齐的扣3分，"
                    "网格事项未按期处置的每件扣0.5分，扣完为止。",
                    "max_score": "8",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": False,
                },
                {
                    "code": "V-13",
                    "title": "矛盾纠纷排查化解",
                    "guide": '落实"小事不出组、大事不出村"，建立矛盾纠纷排查台账；未建台账的扣5分，'
                    "发生越级上访的每起扣2分，扣完为止。",
                    "max_score": "10",
                    "applies_to": "all",
                    "is_veto": False,
                    "evidence_required": True,
                },
                {
                    "code": "V-14",
                    "title": "安全稳定和廉洁底线（一票否决）",
                    "guide": '发生重大安全生产事故、群体性事件或"两委"成员严重违纪违法问题的，'
                    '实行一票否决；"小微权力"清单未公开的扣2分，扣完为止。',
                    "max_score": "8",
                    "applies_to": "all",
                    "is_veto": True,
                    "evidence_required": False,
                },
            ],
        },
    ],
    # 乡镇创五强 — 乡 / 镇 / 街道
    "township": [
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
    ],
    # 县区创六先 — 县 / 县级市 / 区 (mixed: every indicator applies)
    "county": [
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
    ],
}

YEAR_NOTES: dict[int, str] = {
    2022: '2022年度首批创建指标：启动"四级联创"，达标创建覆盖30%、示范创建覆盖10%。',
    2023: "2023年度滚动创建指标：完成一批、增补一批，达标累计70%、示范累计20%。",
    2024: "2024年度收官创建指标：达标创建全覆盖，示范创建累计30%，巩固提升创建成果。",
}
