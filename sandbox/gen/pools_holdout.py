"""The held-out vocabulary (``--vocabulary holdout``): pools nobody tunes the engine on.

Rule: the engine's rules, tables and thresholds are never changed because of a name, title or
score seen in a world built from these pools. The held-out world is a measurement only; misses are
reported per kind and class, never as strings to fix. Same shapes as ``pools_default``; every string
here is different (``tests/sandbox/test_generator_classes.py`` checks the pools are disjoint).
"""

from __future__ import annotations

REAL_WORDS = ["Abbotsmere", "Addlestone", "Allerdale", "Amberwick", "Anstruther", "Applecross", "Ardmore", "Arnside", "Ashingdon", "Avonmouth", "Axbridge", "Aylsham", "Bamburgh", "Banffshire", "Barnstaple", "Beaumaris", "Bedale", "Belford", "Benbecula", "Berwick", "Bideford", "Blakeney", "Blyton", "Bodmin", "Boroughbridge", "Bourne", "Brackley", "Bradwell", "Brampton", "Braunton", "Brecon", "Bridport", "Brixham", "Bromyard", "Buckfast", "Budleigh", "Bungay", "Burford", "Buxton", "Caldbeck", "Callander", "Camelford", "Carnforth", "Cartmel", "Castleton", "Chagford", "Chipping", "Cleobury", "Clitheroe", "Clovelly", "Cockermouth", "Coldstream", "Corbridge", "Crediton", "Cromarty", "Dalbeattie", "Dartmeet", "Dentdale", "Dolgellau", "Dornoch", "Dulverton", "Dunkeld", "Durness", "Easingwold", "Eskdale", "Evesham", "Eyemouth", "Falmouth", "Fowey", "Frodsham", "Garstang", "Glastonbury", "Grantown", "Grassington", "Hawes", "Helmsley", "Helston", "Hexham", "Holsworthy", "Honiton", "Hornsea", "Ilfracombe", "Ilkley", "Inveraray", "Keswick", "Kilmartin", "Kingsbridge", "Kirkwall", "Knaresborough", "Langholm", "Lauder", "Lechlade", "Ledbury", "Leyburn", "Linlithgow", "Llandeilo", "Lochinver", "Lostwithiel", "Ludlow", "Lydford", "Lynmouth", "Malham", "Malmesbury", "Marazion", "Masham", "Melrose", "Middleham", "Minehead", "Moffat", "Montrose", "Morpeth", "Nairn", "Newlyn", "Oakham", "Okehampton", "Orford", "Otley", "Padstow", "Peebles", "Penrith", "Pickering", "Pitlochry", "Porlock", "Portree", "Reeth", "Richmondshire", "Ripon", "Romsey", "Rothbury", "Ruthin", "Saltburn", "Sedbergh", "Selkirk", "Settle", "Shaftesbury", "Sherborne", "Skipton", "Southwold", "Staithes", "Stamford", "Stornoway", "Sudbury", "Swaledale", "Tadcaster", "Tain", "Tavistock", "Tenby", "Tetbury", "Thirsk", "Tintagel", "Tobermory", "Torridon", "Totnes", "Ullapool", "Uppingham", "Wareham", "Warkworth", "Wensley", "Whitby", "Wigtown", "Winchcombe", "Wirksworth", "Woodstock", "Wooler", "Yarmouth", "Zennor"]

FAKE_WORDS = ["Vexolith", "Quorbix", "Zyntheon", "Craxivo", "Plexundo", "Trovique", "Morvaxa", "Jintrocy", "Fluxomir", "Skandrix", "Qybertex", "Draxilon", "Yomblix", "Zorquanta", "Kryptavo", "Blixnova", "Vuntrexa", "Gorvix", "Hexiplon", "Ozintra", "Xaquivo", "Trizzora", "Nexovium", "Pryxotel", "Zelbrix", "Wyxento", "Qantrovo", "Mixtrova", "Vorpluxe", "Jaxiquo", "Cryzonet", "Ulvexia", "Brontiqa", "Fyxorant", "Glaxinor", "Snorvex"]

OVERFLOW_HEADS = ["Aln", "Bry", "Cwm", "Dry", "Eld", "Fyl", "Gwy", "Hay", "Kyl", "Llan", "Myn", "Pont"]
OVERFLOW_TAILS = ["garth", "wyn", "avon", "dinas", "maen", "rhos", "tarn", "beck", "fell", "ness", "wray", "thwaite"]

BRANDS = [
    ("Tredegar Quantum Computing", "US", "software", "Qubitline", "TQCX", "NASDAQ"),
    ("Lowestoft Marine Electronics", "GB", "hardware", "Seaglint", "LMEL", "LSE"),
    ("Castlerigg Payments Holdings", "GB", "finance", "Payvane", "CSPH", "LSE"),
    ("Marwick-Holt Robotics", "US", "machinery", "Holtarm", "MHRB", "NYSE"),
    ("Vossberg Industrial Software", "DE", "software", "Vosso", "VSBG", "XETRA"),
    ("Kinross Bioinstruments", "GB", "medical", "Kinetiq Bio", "KNRB", "LSE"),
    ("Penhallow Telecom Systems", "US", "telecom", "Signalhart", "PHTS", "NYSE"),
    ("Ardgowan Energy Analytics", "GB", "energy", "Gridmind", "AGEA", "LSE"),
]
SUB_BRANDS = {"Tredegar Quantum Computing": ("Tredegar Research Europe", "Qubitline Labs"),
              "Castlerigg Payments Holdings": ("Castlerigg Card Services", "Tapvane"),
              "Vossberg Industrial Software": ("Vossberg Digital UK", "Vosso Cloud")}

ZH_BRANDS = [
    ("广州海拓智能科技有限公司", "海拓智能", "Seatop Intelligence", "Guangzhou Haituo Intelligent Technology Co., Ltd.", "CN"),
    ("南京墨云软件有限公司", "墨云", "Inkcloud Software", "Nanjing Moyun Software Co., Ltd.", "CN"),
    ("武汉光谷锐芯微电子有限公司", "锐芯微", "Sharpcore Micro", "Wuhan Ruixin Microelectronics Co., Ltd.", "CN"),
    ("西安长风测控技术有限公司", "长风测控", "Longwind Instruments", "Xi'an Changfeng Measurement and Control Co., Ltd.", "CN"),
    ("香港銀灣數碼科技有限公司", "銀灣數碼", "Silverbay Digital", "Silverbay Digital Technology (HK) Limited", "HK"),
    ("臺中鼎新機電股份有限公司", "鼎新機電", "Dingxin Mechatronics", "Dingxin Mechatronics Co., Ltd.", "TW"),
]
ZH_NAMESAKES = [("青岛海拓食品有限公司", "Qingdao Haituo Foods Co., Ltd."),
                ("天津墨云广告有限公司", "Tianjin Moyun Advertising Co., Ltd.")]

REAL = [
    ("Oracle Corporation", "US", "software", 2005, None, None,
     ["Oracle Corp", "NYSE:ORCL", "ORACLE CORP."]),
    ("Cisco Systems, Inc.", "US", "telecom", 1984, None, None,
     ["Cisco Sys Inc", "NASDAQ: CSCO", "CISCO SYSTEMS INC."]),
    ("Siemens Aktiengesellschaft", "DE", "machinery", 1966, None, None,
     ["Siemens A.G.", "XETRA: SIE", "SIEMENS AG (DE)"]),
    ("Alphabet Inc.", "US", "software", 2015, None, None, ["Alphabet Inc", "NASDAQ: GOOGL"]),
    ("Google LLC", "US", "software", 1998, None, "Alphabet Inc.", ["Google L.L.C.", "GOOGLE LLC (US)"]),
    ("Tencent Holdings Limited", "CN", "software", 1999, "腾讯控股有限公司", None,
     ["騰訊控股有限公司", "騰訊控股", "Tencent Hldgs Ltd", "HKG: 0700"]),
    ("Lenovo Group Limited", "CN", "hardware", 1984, "联想集团有限公司", None,
     ["聯想集團有限公司", "聯想集團", "Lenovo Grp Ltd", "HKG:0992"]),
]

# Ordinary Chinese companies: (distinctive, pinyin); Japanese: (legal name, English, transliteration, city).
ZH_WORDS = [("恒远", "Hengyuan"), ("锦程", "Jincheng"), ("朗峰", "Langfeng"), ("盛泓", "Shenghong"),
            ("越川", "Yuechuan"), ("华晟", "Huasheng"), ("卓航", "Zhuohang"), ("宇辰", "Yuchen"),
            ("致新", "Zhixin"), ("嘉禾", "Jiahe"), ("新澜", "Xinlan"), ("昊天", "Haotian"),
            ("泓锐", "Hongrui"), ("景曜", "Jingyao"), ("弘毅", "Hongyi"), ("立讯达", "Lixunda")]
JP_COMPANIES = [
    ("株式会社茜電機", "Akane Denki Co., Ltd.", "KABUSHIKI KAISHA AKANE DENKI", "Kobe"),
    ("蒼穹システム株式会社", "Soukyu System Co., Ltd.", "SOUKYU SHISUTEMU KABUSHIKI KAISHA", "Fukuoka"),
    ("株式会社若葉計装", "Wakaba Keiso Co., Ltd.", "KABUSHIKI KAISHA WAKABA KEISO", "Sapporo"),
]

TITLE_WORDS = {"Senior": ["Snr"], "Junior": ["Jnr"], "Manager": ["Mngr"], "Engineer": ["Engr"],
               "Project": ["Prj."], "Associate": ["Assoc."], "Scientist": ["Sci."], "Operations": ["Ops"]}
ZH_TITLE_SCRIPT = "s2twp"  # Taiwan phrasing: 專案經理, 軟體工程師
ZH_TITLES = {
    "Software Engineer": "软件开发工程师", "Senior Software Engineer": "资深软件工程师",
    "Junior Software Engineer": "助理软件工程师", "Hardware Engineer": "硬件开发工程师",
    "Senior Hardware Engineer": "资深硬件工程师", "Mechanical Engineer": "机械设计工程师",
    "Senior Mechanical Engineer": "资深机械工程师", "Embedded Software Engineer": "嵌入式开发工程师",
    "Data Analyst": "数据分析专员", "Test Engineer": "软件测试工程师", "Senior Test Engineer": "资深测试工程师",
    "Robotics Engineer": "机器人开发工程师", "DevOps Engineer": "DevOps工程师",
}
