"""Word lists the snapshot generator builds fictional company names from (written for this project).

Names must be unique at a million entities and have the token statistics of a real register: a
long tail of rare coined words, a body of common surnames, places and descriptors, and industry
words everywhere. Coined words come from syllables; fabricated employers use a syllable set the
register never uses, so they share only common or generic words with it.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


REAL_SYLLABLES = _words("""
ab ac ad al am an ar as ba be bi bo br ca ce ci co cr da de di do dr el em en er es fa fe fi fl fo
ga ge gi gl go gr ha he hi ho il im in ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu ol
om on or pa pe pi po pr ra re ri ro ru sa se si so st ta te ti to tr ul um un ur va ve vi vo wa we
""")

# Consonant clusters the register never uses, so a fabricated word never equals a registered one.
FAKE_SYLLABLES = _words("""
qux zyx vyq xoq jyx qyz zqu xyl kvq wyx yzq qwo zix xaz jqo vyx quz zyr
""")

ENDINGS = ["", "", "", "a", "ia", "is", "ex", "on", "ix", "ara", "ova", "ent", "ley", "ton", "ford", "wick"]

SURNAMES = _words("""
Abbott Ainsley Ashworth Bainbridge Barlow Beresford Blackwood Bramwell Brockley Calloway Carrington
Chadwick Cheswick Clifton Colbourne Cromwell Dalton Davenport Dunstan Eastwood Ellison Everard
Fairbairn Farnham Fenwick Fletcher Foxley Gainsford Garside Gillingham Goodall Hadfield Halliwell
Harcastle Hargreaves Hawksley Holloway Hopkirk Hurley Ingram Kendrick Kershaw Kingsley Lambert
Lockwood Lowther Marchbank Marsden Mayhew Merriman Moorcroft Nettleton Northam Oakley Ormerod
Pemberton Penhaligon Prescott Radcliffe Ramsden Redfern Rushworth Saltonstall Sherwood Shipley
Southgate Standish Stanhope Sutcliffe Tattersall Thackeray Thornton Townsend Underwood Varley
Wainwright Waldegrave Walmsley Warburton Whitaker Whitfield Wilberforce Winthrop Wolstenholme
Yardley Ackroyd Bellamy Cartwright Dewhurst Entwistle Fothergill Greenhalgh Heskey Illingworth
""")

PLACES = _words("""
Ashby Barnmoor Bexfield Bramcote Brightlingsea Burnhope Caldermoor Carnforth Chesterby Clayhithe
Colnbrook Dalesford Denholme Easterby Elmbridge Fallowmere Farleigh Glenrothy Grassington Hallowby
Hartlepool Hexworth Holmfirth Ivybridge Kelbrook Kirkwhelp Langthorne Lydbrook Marlbrook Middleham
Netherfield Newbiggin Northallerby Oakworth Ottercombe Pendlebury Pickmere Quernmore Rathbridge
Rydal Saltcombe Sedbergh Shawford Skelwith Stainforth Stowmere Tadcombe Thornaby Tockwith Upperby
Wadebridge Warcombe Wensleydale Westbury Whitby Wickmere Winterbourne Woolhope Yarnfield Yelverton
""")

DESCRIPTORS = _words("""
Amber Apex Arrow Atlas Azure Beacon Birch Bluebell Bright Cardinal Cedar Clover Cobalt Compass
Coral Crescent Crown Crystal Dawn Delta Diamond Eagle Ember Emerald Evergreen Falcon Fern Forge
Fox Galaxy Golden Granite Harbour Harvest Hawk Heritage Horizon Indigo Iron Ivory Jade Keystone
Lantern Laurel Lighthouse Lion Maple Meadow Meridian Merlin Mint Monarch Nova Oak Orchid Owl
Pearl Phoenix Pine Pinnacle Pioneer Prism Quartz Raven Red River Rock Rose Ruby Sage Sapphire
Silver Sterling Stone Summit Swan Thistle Tiger Topaz Trinity Unity Valley Vanguard Willow Zenith
""")

# Industry words; the first block is in the engine's generic list, the second is not (but common).
INDUSTRY_GENERIC = _words("""
Solutions Global Systems Technologies Group Holdings Services Consulting Partners Digital Software
Analytics Networks Enterprises Industries Ventures Capital Management Associates Media Design
Engineering Trading Resources Products Research Development Labs Studio Innovations
""")

INDUSTRY_OTHER = _words("""
Robotics Logistics Foods Textiles Construction Properties Estates Motors Pharma Bakery Brewing
Electronics Instruments Photonics Plastics Metals Energy Renewables Farming Catering Joinery
Plumbing Roofing Scaffolding Haulage Interiors Recruitment Accountancy Optics Aerospace Marine
Biotech Diagnostics Medical Dental Veterinary Fitness Travel Security Cleaning Printing Publishing
""")

CH_SUFFIXES = ["LIMITED", "LIMITED", "LIMITED", "LTD", "LTD.", "PLC", "LLP", "COMMUNITY INTEREST COMPANY"]
CH_CATEGORIES = {
    "LIMITED": "Private Limited Company",
    "LTD": "Private Limited Company",
    "LTD.": "Private Limited Company",
    "PLC": "Public Limited Company",
    "LLP": "Limited Liability Partnership",
    "COMMUNITY INTEREST COMPANY": "Community Interest Company",
}
CH_STATUSES = ["Active"] * 17 + ["Active - Proposal to Strike off", "Liquidation", "Dissolved"]

# (jurisdiction, legal-form suffixes, language of the legal name)
GLEIF_JURISDICTIONS = [
    ("DE", ["GmbH", "AG", "GmbH & Co. KG"], "de"),
    ("FR", ["SAS", "SA", "SARL"], "fr"),
    ("NL", ["B.V.", "N.V."], "nl"),
    ("SE", ["AB"], "sv"),
    ("IT", ["S.p.A.", "S.r.l."], "it"),
    ("ES", ["S.L.", "S.A."], "es"),
    ("US-DE", ["Inc.", "LLC", "Corp."], "en"),
    ("IE", ["Limited", "DAC"], "en"),
    ("GB", ["Ltd", "Limited", "PLC"], "en"),
    ("FI", ["Oy", "Oyj"], "fi"),
    ("CN", [], "zh"),
    ("TW", [], "zh"),
]

# Fictional Chinese names: syllable characters with their pinyin and traditional forms.
CJK_CHARS = {
    "华": ("hua", "華"),
    "信": ("xin", "信"),
    "星": ("xing", "星"),
    "辰": ("chen", "辰"),
    "恒": ("heng", "恆"),
    "瑞": ("rui", "瑞"),
    "达": ("da", "達"),
    "通": ("tong", "通"),
    "联": ("lian", "聯"),
    "创": ("chuang", "創"),
    "博": ("bo", "博"),
    "远": ("yuan", "遠"),
    "鑫": ("xin", "鑫"),
    "源": ("yuan", "源"),
    "泰": ("tai", "泰"),
    "宏": ("hong", "宏"),
    "盛": ("sheng", "盛"),
    "安": ("an", "安"),
    "和": ("he", "和"),
    "峰": ("feng", "峰"),
    "云": ("yun", "雲"),
    "海": ("hai", "海"),
    "川": ("chuan", "川"),
    "明": ("ming", "明"),
    "康": ("kang", "康"),
    "德": ("de", "德"),
    "丰": ("feng", "豐"),
    "凯": ("kai", "凱"),
}
CJK_INDUSTRY = [
    ("科技", "keji", "Technology", "科技"),
    ("电子", "dianzi", "Electronics", "電子"),
    ("软件", "ruanjian", "Software", "軟件"),
    ("机械", "jixie", "Machinery", "機械"),
    ("物流", "wuliu", "Logistics", "物流"),
    ("医药", "yiyao", "Pharmaceutical", "醫藥"),
]
CJK_CITIES = [
    ("深圳市", "Shenzhen", "深圳市"),
    ("上海", "Shanghai", "上海"),
    ("杭州", "Hangzhou", "杭州"),
    ("苏州", "Suzhou", "蘇州"),
    ("台北", "Taipei", "臺北"),
    ("", "", ""),
]

SIC_CODES = [
    "62012 - Business and domestic software development",
    "62020 - Information technology consultancy activities",
    "62090 - Other information technology service activities",
    "26110 - Manufacture of electronic components",
    "28990 - Manufacture of other special-purpose machinery n.e.c.",
    "70229 - Management consultancy activities other than financial management",
    "68209 - Other letting and operating of own or leased real estate",
    "41100 - Development of building projects",
    "56101 - Licensed restaurants",
    "47910 - Retail sale via mail order houses or via Internet",
    "49410 - Freight transport by road",
    "82990 - Other business support service activities n.e.c.",
    "96090 - Other service activities n.e.c.",
    "99999 - Dormant Company",
    "74909 - Other professional, scientific and technical activities n.e.c.",
    "43390 - Other building completion and finishing",
    "86900 - Other human health activities",
    "10710 - Manufacture of bread; manufacture of fresh pastry goods and cakes",
]

STREETS = [
    "High Street",
    "Station Road",
    "Mill Lane",
    "Church Street",
    "Victoria Road",
    "Park Avenue",
    "The Green",
    "Market Place",
    "Bridge Street",
    "Kings Road",
    "Queens Way",
    "Orchard Close",
]
TOWNS = [
    ("LONDON", "", "EC1A"),
    ("MANCHESTER", "GREATER MANCHESTER", "M1"),
    ("LEEDS", "WEST YORKSHIRE", "LS1"),
    ("BRISTOL", "", "BS1"),
    ("CARDIFF", "", "CF10"),
    ("EDINBURGH", "", "EH1"),
    ("NORWICH", "NORFOLK", "NR1"),
    ("YORK", "NORTH YORKSHIRE", "YO1"),
    ("BIRMINGHAM", "WEST MIDLANDS", "B1"),
    ("BELFAST", "", "BT1"),
]
