"""Default group indicators: 小组创三好 (村民小组, 居民小组, 居民小区).

Illustrative data, see the package docstring."""

DIMENSIONS: list[dict] = [
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
]
