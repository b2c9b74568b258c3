"""The default vocabulary's real-world name classes (seeds 42, 7 and every world without --vocabulary).

All fictional companies and their brands, tickers and Chinese forms are written for this project.
The real companies are a minority, named by their legal names (facts) and written on resumes and
profiles only in *variant* spellings (case, punctuation, legal-suffix forms, exchange-prefixed
tickers, traditional vs simplified script), so an engine cannot pass by a verbatim alias table.
The held-out pools (``pools_holdout``) share nothing with these.
"""

from __future__ import annotations

# Fictional groups that trade under a brand unrelated to (or abbreviating) their legal name and
# carry a ticker: (legal core, country, sector, brand, ticker, exchange). Registries carry the brand
# and the ticker as GLEIF TRADING_OR_OPERATING_NAME (and OpenCorporates alternative_names).
BRANDS = [
    ("Harrowgate Digital Holdings", "US", "software", "Brightlane", "HRGD", "NASDAQ"),
    ("Northmoor Cloud Services", "US", "software", "NCS Cloud", "NMCS", "NYSE"),
    ("Pemberton Sensor Group", "GB", "hardware", "Sensiq", "PSGX", "LSE"),
    ("Fennimore-Carr Instruments", "US", "hardware", "Fennscope", "FCIN", "NYSE"),
    ("Ravensholt Data Platforms", "GB", "software", "Quillwise", "RVDP", "LSE"),
    ("Ostermark Automation Holdings", "DE", "machinery", "Ostro", "OSMK", "XETRA"),
    ("Glenharrow Logistics Technology", "US", "software", "Routewell", "GLXT", "NASDAQ"),
    ("Ambersley Medical Devices", "GB", "medical", "Ambra Health", "AMBD", "LSE"),
]
# Brands of a group's subsidiary (parent legal core -> (subsidiary core, subsidiary brand)).
SUB_BRANDS = {"Harrowgate Digital Holdings": ("Harrowgate Labs UK", "Lanternfish"),
              "Pemberton Sensor Group": ("Pemberton Optics", "Clearsight"),
              "Ostermark Automation Holdings": ("Ostermark Robotics UK", "Ostro Motion")}

# Fictional Chinese companies: (legal name, short brand in Chinese, English brand, English legal name,
# region). CN names are simplified, HK/TW legal names traditional; pinyin comes from pypinyin.
ZH_BRANDS = [
    ("深圳市星河未来科技有限公司", "星河未来", "Galaxy Future", "Shenzhen Xinghe Weilai Technology Co., Ltd.", "CN"),
    ("杭州云栈网络技术有限公司", "云栈", "CloudStack Hangzhou", "Hangzhou Yunzhan Network Technology Co., Ltd.", "CN"),
    ("北京知行智能设备有限公司", "知行智能", "Zhixing Robotics", "Beijing Zhixing Smart Devices Co., Ltd.", "CN"),
    ("苏州晶川半导体有限公司", "晶川", "Crystal River Semi", "Suzhou Jingchuan Semiconductor Co., Ltd.", "CN"),
    ("香港翠峰電子有限公司", "翠峰電子", "Jadepeak Electronics", "Jadepeak Electronics (Hong Kong) Limited", "HK"),
    ("臺灣宏聚精密工業股份有限公司", "宏聚精密", "Hongju Precision", "Hongju Precision Industrial Co., Ltd.", "TW"),
]
# Hard negatives: a different company that shares the distinctive word of one of the above.
ZH_NAMESAKES = [("上海星河物流有限公司", "Shanghai Xinghe Logistics Co., Ltd."),
                ("成都云栈文化传媒有限公司", "Chengdu Yunzhan Culture Media Co., Ltd.")]

# Real companies (legal name, country, sector, founded year, native legal name or None, parent legal
# name or None, variants as people write them). No variant is a plain legal name or a bare ticker.
REAL = [
    ("International Business Machines Corporation", "US", "software", 1911, None, None,
     ["I.B.M. Corp.", "Intl. Business Machines Corp", "NYSE: IBM", "IBM Corp. (UK)"]),
    ("Microsoft Corporation", "US", "software", 1981, None, None,
     ["Microsoft Corp.", "NASDAQ:MSFT", "MICROSOFT CORP", "Micro-soft Corporation"]),
    ("Amazon.com, Inc.", "US", "retail", 1996, None, None,
     ["Amazon.com Inc", "NASDAQ: AMZN", "amazon dot com inc"]),
    ("Amazon Web Services, Inc.", "US", "software", 2006, None, "Amazon.com, Inc.",
     ["A.W.S.", "Amazon Web Services Inc", "AWS (Amazon Web Services)"]),
    ("Huawei Technologies Co., Ltd.", "CN", "telecom", 1987, "华为技术有限公司", None,
     ["華為技術有限公司", "華為技術", "Huawei Tech. Co Ltd", "HUAWEI TECHNOLOGIES CO LTD"]),
    ("Baidu, Inc.", "CN", "software", 2000, "百度股份有限公司", None,
     ["百度在线", "NASDAQ: BIDU", "Baidu Inc.", "百度集团"]),
]

# Title abbreviations (word -> written forms) and Chinese wordings (English canonical -> Chinese);
# traditional Chinese comes from OpenCC ``s2t`` for employers in Hong Kong and Taiwan.
TITLE_WORDS = {"Senior": ["Sr."], "Junior": ["Jr."], "Manager": ["Mgr"], "Engineer": ["Eng."],
               "Project": ["Proj."], "Director": ["Dir."], "Marketing": ["Mktg"]}
ZH_TITLE_SCRIPT = "s2t"
ZH_TITLES = {
    "Software Engineer": "软件工程师", "Senior Software Engineer": "高级软件工程师",
    "Junior Software Engineer": "初级软件工程师", "Hardware Engineer": "硬件工程师",
    "Senior Hardware Engineer": "高级硬件工程师", "Mechanical Engineer": "机械工程师",
    "Senior Mechanical Engineer": "高级机械工程师", "Embedded Software Engineer": "嵌入式软件工程师",
    "Senior Embedded Software Engineer": "高级嵌入式软件工程师", "Data Scientist": "数据科学家",
    "Senior Data Scientist": "高级数据科学家", "Data Analyst": "数据分析师", "Product Manager": "产品经理",
    "Senior Product Manager": "高级产品经理", "Project Manager": "项目经理", "Sales Manager": "销售经理",
    "Test Engineer": "测试工程师", "Senior Test Engineer": "高级测试工程师", "Robotics Engineer": "机器人工程师",
    "Senior Robotics Engineer": "高级机器人工程师", "DevOps Engineer": "运维工程师",
    "Director of Engineering": "工程总监",
}
