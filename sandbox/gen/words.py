"""Word lists the generator invents names from; all written for this project, none copied.

Real (registered) companies take their distinctive word from ``REAL_WORDS``; fabricated employers
take theirs from ``FAKE_WORDS``, which is kept far (by edit distance) from every real word so that
a fabricated name shares only generic words ("Solutions", "Global") with a registered one.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


REAL_WORDS = _words("""
Alderbrook Ashcombe Amberline Arclight Aspenvale Basalt Birchwood Blackthorn Bluefell Bracken
Brightwater Brindle Calder Caraway Cedarline Chalkhill Cindervale Clearwell Cloudberry Cobblestone
Copperbeech Corrie Cresswell Crestmoor Dapple Deepwell Dovecote Driftwood Dunmore Eastbrook
Elderflower Elmstead Emberly Evenmoor Fallowfield Fenwick Fernhill Fieldfare Flintlock Foxglove
Frostline Gannet Glasswing Glenmore Goldcrest Granary Greyfriar Halcyon Harebell Hartwell Hawthorn
Hazelmere Heathcote Hollowbrook Holmwood Ironbridge Kelpie Kinloch Lanyard Larkspur Lattice
Lindenfield Lodestar Longbarrow Lowther Lumen Marram Meadowsweet Merrow Millbrook Mistral Moorhen
Mossgate Netherby Nightjar Northcote Oakhanger Osprey Otterburn Palisade Pebblebrook Peregrine
Pinecrest Plover Quarrystone Quayside Rainford Ravensworth Redwing Ridgeway Rivermead Rookwood
Rosebay Saltmarsh Sandpiper Sedgemoor Shingle Silverbirch Skylark Sloeberry Snowdrop Sorrel
Stonechat Stormcrest Summerhill Swallowtail Tamarisk Teasel Thistledown Thornbury Tidewater
Timberline Tinderbox Tollgate Trefoil Tumblewood Underhill Valerian Wagtail Waterlily Wayfarer
Wealden Wheatear Whinchat Whitebeam Wildwood Willowmere Windrush Wintergreen Woodlark Wrenfield
Yarrow Yewtree Aurelis Brevant Calvex Dorvane Elvanto Fennick Halvard Ionwell Jovian Kairo Lumora
Myrion Orbis Pallas Quorra Riven Solace Tessell Umbra Vantor Wexley Yonder Sunniva Coldharbour
Marlowe Hexley Brantham Cottesmore Ellerby Farrowdale Gorsefield Harcourt Inchmoor Jessamy
Keswold Linacre Mortlake Nettlebed Orwell Pennant Ryecroft Stanwick Tarrant Upwood Vellacott
Westerleigh Ambleside Bellhaven Carrick Drumlin Esker Fjordline Gullhaven Heronsgate Isleham
Kittiwake Lambourne Moorgate Nantwich Oxbow Puffin Redshank Scarlet Tern Umberleigh Verdigris
Whimbrel Boxwood Cairn Delph Fathom Greensand Harrier Inkwell Juno Fellgate Loxley Minster Nimbus
Acorn Bellwether Bittern Bluestone Brookfield Chiffchaff Coppice Curlew Dunlin Eyebright Fieldgate
Gatehouse Goldfinch Greenshank Hartsease Hedgerow Highgate Hobnail Kingsholm Knapweed Lapwing Linnet
Marshwood Mayfield Millstone Nuthatch Oakmere Oxlip Pippin Quillwort Reedbed Ringwood Saxonby Shelduck
Smallwood Starling Stowell Teal Thrush Tiptree Warbler Watermead Weldon Whinfell Wicken Wolds Yellowhammer
Ashdown Beckett Bowfell Calloway Dalesman Emsworth Fairhaven Grisedale Hadley Ingleby Kirkstone Langdale
""")

FAKE_WORDS = _words("""
Quantix Zentravo Krontica Brixel Zanquil Glimmera Hyperiax Infinitex Jaxxon Kryvex Zuxtrel
Maxtorr Nuvexis Optrinex Praxion Qorvina Rovexa Syntrova Trionyx Ultravex Vortiqa Wyvexa Xentrix
Zyphora Axiomix Bizztek Cryonix Dexavia Exaquor Fyntrex Gravonix Hexaquill Ixora Jyntrac Klavix
Pexxaro Mavrix Nexquo Oxytrix Pyranox Quizzle Razorix Skyvexa Tyrannix Uvonix Vexquire Wizzard
Xylotrax Yzentra Zorvex Altrazo Byquant Cymatrix Dravix Equinoxx Futurix Gigavox Hoverix
""")

# Heads and tails of place-like words, coined only when a big world has used every word above.
OVERFLOW_HEADS = ["Ash", "Bel", "Cal", "Dun", "Els", "Fal", "Gar", "Hol", "Ing", "Kel", "Lan", "Mar", "Nor", "Ox",
                  "Pen", "Ros", "Sal", "Tam", "Wen", "Yar", "Brad", "Crom", "Thorn", "Wold"]
OVERFLOW_TAILS = ["bury", "croft", "dale", "ford", "gate", "holm", "ley", "mere", "ridge", "stead", "ton", "wick",
                  "worth", "by", "combe", "field", "haven", "hurst"]
# A second tier for very big worlds (benchmarks): head + middle + tail, ~40k words once filtered.
OVERFLOW_MIDDLES = ["en", "er", "ing", "ow", "an", "el", "is", "am", "or", "ul", "ath", "in", "ock", "es",
                    "ad", "il", "ar", "on", "ig", "ub"]
OVERFLOW_HEADS2 = OVERFLOW_HEADS + ["Aber", "Bram", "Carr", "Dor", "Eg", "Fen", "Glen", "Har", "Kirk", "Lid", "Mel",
                                   "Nant", "Orm", "Pol", "Rad", "Stan", "Tre", "Wal", "Whit", "Bur", "Chel", "Dal",
                                   "Ever", "Lox", "Mid", "Pit", "Sud", "Tod", "Ul", "Ven"]
OVERFLOW_TAILS2 = OVERFLOW_TAILS + ["shaw", "thorpe", "wood", "well", "moor", "port", "bridge", "hill", "stow",
                                   "side", "low", "mouth", "ham", "brook", "cot", "den", "fold", "grove"]

# Words every industry uses; fabricated and real names share them on purpose.
GENERIC = ["Solutions", "Global", "Systems", "Technologies", "Group", "Digital", "Partners", "Consulting",
           "Services", "International", "Networks", "Analytics", "Innovations", "Labs"]

# sector -> (name fields, 5-digit SIC codes); none of these is 26110 or 28990 (the hiring company's).
SECTORS: dict[str, tuple[list[str], list[str]]] = {
    "software": (["Software", "Data", "Cloud", "Technologies", "Systems", "Digital"], ["62012", "62020", "62090", "58290"]),
    "hardware": (["Electronics", "Instruments", "Photonics", "Devices", "Semiconductors"], ["26120", "26200", "26309", "26511", "27900"]),
    "machinery": (["Engineering", "Precision", "Controls", "Manufacturing", "Machine Tools"], ["28290", "28410", "33200", "25620"]),
    "consulting": (["Consulting", "Partners", "Advisory", "Engineering Services"], ["70229", "71129", "74909"]),
    "finance": (["Capital", "Finance", "Payments", "Insurance Services"], ["64999", "66190", "64205"]),
    "research": (["Research", "Laboratories", "Institute", "Innovations"], ["72190", "72110"]),
    "medical": (["Medical", "Health Technologies", "Diagnostics"], ["32500", "26600"]),
    "energy": (["Energy", "Power Systems", "Renewables"], ["35110", "35140"]),
    "logistics": (["Logistics", "Freight", "Distribution"], ["52290", "49410"]),
    "retail": (["Retail", "Home", "Stores"], ["47910", "47190"]),
    "telecom": (["Telecom", "Networks", "Communications"], ["61900", "61100"]),
    "automotive": (["Automotive", "Mobility", "Vehicle Systems"], ["29100", "29320"]),
    "media": (["Media", "Studios", "Marketing"], ["73110", "59111"]),
}

UK_CITIES = [  # (city, country, postcode area)
    ("London", "England", "EC"), ("London", "England", "N"), ("Manchester", "England", "M"),
    ("Leeds", "England", "LS"), ("Bristol", "England", "BS"), ("Cambridge", "England", "CB"),
    ("Oxford", "England", "OX"), ("Reading", "England", "RG"), ("Sheffield", "England", "S"),
    ("Birmingham", "England", "B"), ("Nottingham", "England", "NG"), ("Newcastle upon Tyne", "England", "NE"),
    ("Edinburgh", "Scotland", "EH"), ("Glasgow", "Scotland", "G"), ("Cardiff", "Wales", "CF"),
]
STREETS = ["Mill", "Station", "Church", "Quarry", "Harbour", "Foundry", "Market", "Canal", "Bridge", "Kiln",
           "Orchard", "Granary", "Weaver", "Tanner", "Ropewalk", "Chapel", "Forge", "Victoria", "Albion"]
STREET_KINDS = ["Road", "Street", "Lane", "Way", "Yard", "Court", "Place", "Wharf"]

# Chinese companies: (distinctive, pinyin); (industry, pinyin, English); (city, pinyin).
ZH_WORDS = [("华信", "Huaxin"), ("远航", "Yuanhang"), ("星辰", "Xingchen"), ("瑞泰", "Ruitai"),
            ("海川", "Haichuan"), ("博创", "Bochuang"), ("天衡", "Tianheng"), ("云帆", "Yunfan"),
            ("智远", "Zhiyuan"), ("启明", "Qiming"), ("凌云", "Lingyun"), ("鼎盛", "Dingsheng"),
            ("青禾", "Qinghe"), ("澜川", "Lanchuan"), ("松柏", "Songbai"), ("明澈", "Mingche")]
ZH_FIELDS = [("科技", "Keji", "Technology"), ("电子", "Dianzi", "Electronics"),
             ("软件", "Ruanjian", "Software"), ("精密机械", "Jingmi Jixie", "Precision Machinery"),
             ("信息技术", "Xinxi Jishu", "Information Technology"), ("智能设备", "Zhineng Shebei", "Smart Devices")]
ZH_CITIES = [("深圳市", "Shenzhen Shi", "Shenzhen"), ("上海", "Shanghai", "Shanghai"),
             ("杭州", "Hangzhou", "Hangzhou"), ("苏州", "Suzhou", "Suzhou"), ("成都", "Chengdu", "Chengdu")]

# Japanese companies: (legal name, English name, transliteration, city).
JP_COMPANIES = [
    ("株式会社青葉精機", "Aoba Seiki Co., Ltd.", "KABUSHIKI KAISHA AOBA SEIKI", "Sendai"),
    ("東雲電子株式会社", "Shinonome Denshi Co., Ltd.", "SHINONOME DENSHI KABUSHIKI KAISHA", "Osaka"),
    ("白鷺テクノロジー株式会社", "Shirasagi Technology Co., Ltd.", "SHIRASAGI TEKUNOROJI KABUSHIKI KAISHA", "Himeji"),
    ("株式会社霞ソフトウェア", "Kasumi Software Co., Ltd.", "KABUSHIKI KAISHA KASUMI SOFUTOUEA", "Tokyo"),
    ("株式会社朝凪システムズ", "Asanagi Systems Co., Ltd.", "KABUSHIKI KAISHA ASANAGI SHISUTEMUZU", "Yokohama"),
    ("月読計測株式会社", "Tsukuyomi Instruments Co., Ltd.", "TSUKUYOMI KEISOKU KABUSHIKI KAISHA", "Nagoya"),
]

# Other foreign companies: country -> (suffix, legal form, OpenCorporates jurisdiction or None, cities).
FOREIGN = {
    "DE": ("GmbH", "GMBH", "de", ["Munich", "Stuttgart", "Hamburg", "Dresden"]),
    "FR": ("S.A.", "SA", "fr", ["Lyon", "Toulouse", "Grenoble", "Paris"]),
    "US": ("Inc.", "INC", "us_de", ["Boston", "Austin", "Pittsburgh", "San Jose"]),
    "NL": ("B.V.", "BV", "nl", ["Eindhoven", "Delft", "Utrecht"]),
    "IE": ("Limited", "LTD", "ie", ["Dublin", "Cork", "Galway"]),
    "IN": ("Private Limited", "PVT_LTD", None, ["Bengaluru", "Pune", "Hyderabad", "Chennai"]),
}
DE_FIELDS = ["Antriebstechnik", "Messtechnik", "Softwaresysteme", "Elektronik", "Maschinenbau"]
FR_FIELDS = ["Systèmes", "Électronique", "Ingénierie", "Logiciels"]

# Given and family names by region (common names, written from general knowledge).
PEOPLE = {
    "GB": (["Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Mia", "Noah", "Emily", "Charlie",
            "Grace", "Thomas", "Sophie", "Daniel", "Chloe", "James", "Ella", "William", "Lucy", "Samuel",
            "Hannah", "Joseph", "Freya", "Henry", "Ruby", "Alfie", "Evie", "Oscar", "Holly", "Leo", "Megan",
            "Ethan", "Rosie", "Finley", "Imogen", "Callum", "Niamh", "Rhys", "Ffion", "Ewan", "Eilidh"],
           ["Ashworth", "Bramley", "Carter", "Dawson", "Ellison", "Fletcher", "Gardiner", "Hargreaves",
            "Ingram", "Jennings", "Kirby", "Lomax", "Marsden", "Norris", "Oakley", "Pickering", "Quinlan",
            "Radcliffe", "Sutcliffe", "Thornton", "Underwood", "Vickers", "Whitaker", "Yardley", "Barlow",
            "Crossley", "Dunne", "Eastwood", "Fairclough", "Greenhalgh", "Holroyd", "Illingworth",
            "Kendrick", "Lister", "Moorcroft", "Nuttall", "Ormerod", "Priestley", "Rushworth", "Walmsley"]),
    "CN": (["Wei", "Jing", "Hao", "Min", "Lei", "Yan", "Jun", "Xin", "Yue", "Tao", "Lin", "Qiang", "Fang",
            "Hui", "Bo", "Ying", "Zihan", "Yuxuan", "Ruoxi", "Haoran", "Mingyu", "Jiayi"],
           ["Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
            "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao"]),
    "IN": (["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Kavya", "Arjun", "Meera", "Siddharth", "Nisha",
            "Rahul", "Divya", "Karthik", "Shreya"],
           ["Sharma", "Iyer", "Patel", "Reddy", "Nair", "Menon", "Gupta", "Rao", "Banerjee", "Kulkarni",
            "Desai", "Pillai", "Chatterjee", "Joshi"]),
    "DE": (["Lukas", "Lena", "Jonas", "Anna", "Felix", "Marie", "Paul", "Sophie", "Maximilian", "Tobias",
            "Katharina"],
           ["Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Richter",
            "Neumann", "Krüger", "Zimmermann"]),
    "FR": (["Louis", "Camille", "Hugo", "Léa", "Jules", "Manon", "Théo", "Chloé", "Antoine", "Inès"],
           ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux", "Fournier",
            "Mercier", "Bonnet", "Lambert"]),
    "JP": (["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Takumi", "Sakura", "Yuto", "Mei"],
           ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi"]),
    "US": (["Ethan", "Madison", "Tyler", "Ashley", "Brandon", "Kayla", "Austin", "Brooke", "Jordan", "Taylor"],
           ["Miller", "Davis", "Garcia", "Anderson", "Jackson", "Thompson", "Harris", "Clark", "Lewis"]),
    "ES": (["Ana", "Lucía", "Mateo", "Javier", "Sofía", "Diego", "Carmen", "Pablo"],
           ["Silva", "Fernández", "López", "Martín", "Sánchez", "Romero", "Navarro", "Torres", "Castro"]),
}
REGION_WEIGHTS = [("GB", 52), ("CN", 13), ("IN", 9), ("DE", 6), ("FR", 4), ("JP", 4), ("US", 6), ("ES", 6)]

SCHOOLS = {
    "GB": ["University of Northfield", "Kingsmere University", "Harwick Institute of Technology",
           "University of Eastmoor", "Thamesford University", "University of Castlebridge"],
    "CN": ["清江大学", "Dongling University of Technology", "南岭理工大学", "Qingjiang University"],
    "IN": ["Vindhya Institute of Technology", "Kaveri University", "Deccan Plateau Institute of Science"],
    "DE": ["Technische Universität Rheinfeld", "Hochschule Emmerau"],
    "FR": ["École Polytechnique de Valmont", "Université de Saint-Ambroise"],
    "JP": ["Shirakawa Institute of Technology", "Kitahara University"],
    "US": ["Lakeshore State University", "Pinebrook Institute of Technology"],
    "ES": ["Universidad de Montealto", "University of Northfield"],
}

REVIEW_TOPICS = {  # topic -> (English cons, Chinese cons)
    "overtime": ("Constant overtime before every release, weekends included.", "加班严重，周末也经常加班。"),
    "unpaid_wages": ("Salaries were paid late twice this year and overtime is still unpaid.",
                     "拖欠工资，加班费至今没有发。"),
    "layoffs": ("A second round of layoffs with no warning; morale is very low.", "突然裁员，没有任何沟通。"),
    "management": ("Management changes direction every quarter and does not listen.", "管理层朝令夕改，不听取意见。"),
    "culture": ("Blame culture; people are afraid to raise problems.", "公司文化压抑，气氛紧张。"),
    "pay": ("Pay is well below market and raises are frozen.", "薪资低于市场水平，涨薪冻结。"),
}
REVIEW_PROS = ["Interesting robotics problems and good hardware to work with.", "Friendly, capable colleagues.",
               "Flexible hours and a hybrid policy that is respected.", "Good training budget.",
               "Modern lab and test facilities.", "Real ownership of projects from early on."]
REVIEW_PROS_ZH = ["同事友好，技术氛围好。", "项目有挑战，能学到东西。", "办公环境不错。"]
