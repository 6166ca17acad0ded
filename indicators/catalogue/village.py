"""Default village indicators: 村社创四优 (村, 社区).

Illustrative data, see the package docstring."""

DIMENSIONS: list[dict] = [
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
]
