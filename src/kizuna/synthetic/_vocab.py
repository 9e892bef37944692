"""Word lists for the synthetic generator: names, places, niches, bio and caption pieces per language.

Kept as plain tuples so that generation is a few ``choice()`` calls per field. Brand names are invented (no real
company appears in synthetic sponsored posts). Weights are rough shares of what a Japan-first buyer's database
looks like, not statistics.
"""

from __future__ import annotations

from typing import Final

# --------------------------------------------------------------------------------------------------- locales
# country, language, share, ((city, time zone, weight), ...)
LOCALES: Final[tuple[tuple[str, str, float, tuple[tuple[str, str, float], ...]], ...]] = (
    (
        "JP",
        "ja",
        0.62,
        (
            ("Tokyo", "Asia/Tokyo", 0.42),
            ("Osaka", "Asia/Tokyo", 0.14),
            ("Yokohama", "Asia/Tokyo", 0.07),
            ("Fukuoka", "Asia/Tokyo", 0.07),
            ("Nagoya", "Asia/Tokyo", 0.06),
            ("Sapporo", "Asia/Tokyo", 0.06),
            ("Kyoto", "Asia/Tokyo", 0.05),
            ("Kobe", "Asia/Tokyo", 0.04),
            ("Sendai", "Asia/Tokyo", 0.03),
            ("Naha", "Asia/Tokyo", 0.03),
            ("Hiroshima", "Asia/Tokyo", 0.03),
        ),
    ),
    (
        "US",
        "en",
        0.11,
        (
            ("Los Angeles", "America/Los_Angeles", 0.28),
            ("New York", "America/New_York", 0.28),
            ("San Francisco", "America/Los_Angeles", 0.1),
            ("Seattle", "America/Los_Angeles", 0.08),
            ("Honolulu", "Pacific/Honolulu", 0.08),
            ("Chicago", "America/Chicago", 0.1),
            ("Austin", "America/Chicago", 0.08),
        ),
    ),
    (
        "TW",
        "zh-TW",
        0.08,
        (
            ("Taipei", "Asia/Taipei", 0.55),
            ("Taichung", "Asia/Taipei", 0.18),
            ("Kaohsiung", "Asia/Taipei", 0.15),
            ("Tainan", "Asia/Taipei", 0.12),
        ),
    ),
    (
        "KR",
        "ko",
        0.06,
        (("Seoul", "Asia/Seoul", 0.7), ("Busan", "Asia/Seoul", 0.2), ("Incheon", "Asia/Seoul", 0.1)),
    ),
    ("HK", "zh-HK", 0.03, (("Hong Kong", "Asia/Hong_Kong", 1.0),)),
    ("TH", "th", 0.03, (("Bangkok", "Asia/Bangkok", 0.8), ("Chiang Mai", "Asia/Bangkok", 0.2))),
    (
        "CN",
        "zh-CN",
        0.02,
        (
            ("Shanghai", "Asia/Shanghai", 0.5),
            ("Beijing", "Asia/Shanghai", 0.3),
            ("Hangzhou", "Asia/Shanghai", 0.2),
        ),
    ),
    ("GB", "en", 0.02, (("London", "Europe/London", 0.8), ("Manchester", "Europe/London", 0.2))),
    ("SG", "en", 0.015, (("Singapore", "Asia/Singapore", 1.0),)),
    ("AU", "en", 0.015, (("Sydney", "Australia/Sydney", 0.6), ("Melbourne", "Australia/Melbourne", 0.4))),
)

COUNTRY_LANGUAGE: Final[dict[str, str]] = {
    "JP": "ja",
    "US": "en",
    "TW": "zh-TW",
    "KR": "ko",
    "HK": "zh-HK",
    "TH": "th",
    "CN": "zh-CN",
    "GB": "en",
    "SG": "en",
    "AU": "en",
    "CA": "en",
    "MY": "ms",
    "PH": "en",
    "ID": "id",
    "IN": "en",
    "BR": "pt",
    "FR": "fr",
    "VN": "vi",
}

# Where the rest of an audience lives, by the creator's country (weights, renormalised per draw).
AUDIENCE_ABROAD: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "JP": (("TW", 3.0), ("US", 2.0), ("KR", 1.5), ("HK", 1.2), ("TH", 0.8), ("CN", 0.8), ("SG", 0.4)),
    "US": (("CA", 3.0), ("GB", 2.0), ("AU", 1.2), ("PH", 1.0), ("JP", 0.8), ("IN", 1.0)),
    "TW": (("HK", 3.0), ("MY", 1.5), ("JP", 1.2), ("US", 1.0), ("CN", 0.8), ("SG", 0.6)),
    "KR": (("US", 2.0), ("JP", 1.5), ("TW", 1.0), ("VN", 0.8), ("TH", 0.7)),
    "HK": (("TW", 2.5), ("CN", 1.5), ("MY", 1.0), ("SG", 0.8), ("GB", 0.6)),
    "TH": (("JP", 1.2), ("MY", 1.0), ("SG", 0.8), ("US", 0.6), ("VN", 0.6)),
    "CN": (("TW", 1.0), ("HK", 1.0), ("SG", 0.7), ("MY", 0.7), ("US", 0.5)),
    "GB": (("US", 3.0), ("AU", 1.0), ("IN", 1.0), ("CA", 0.8), ("FR", 0.6)),
    "SG": (("MY", 3.0), ("ID", 1.5), ("PH", 1.0), ("US", 0.8), ("AU", 0.6)),
    "AU": (("US", 2.5), ("GB", 1.5), ("NZ", 0.8), ("SG", 0.5)),
}

# Countries bought followers tend to come from: a mismatch a buyer should notice.
BOT_COUNTRIES: Final[tuple[str, ...]] = ("IN", "BR", "ID", "PK", "BD", "NG", "EG", "VN")

AUDIENCE_CITIES: Final[dict[str, tuple[str, ...]]] = {
    "JP": ("Tokyo", "Osaka", "Yokohama", "Nagoya", "Fukuoka", "Sapporo"),
    "US": ("New York", "Los Angeles", "Chicago", "Houston", "San Francisco"),
    "TW": ("Taipei", "New Taipei", "Taichung", "Kaohsiung"),
    "KR": ("Seoul", "Busan", "Incheon", "Daegu"),
    "HK": ("Hong Kong", "Kowloon"),
    "TH": ("Bangkok", "Chiang Mai", "Phuket"),
    "CN": ("Shanghai", "Beijing", "Shenzhen", "Hangzhou"),
    "GB": ("London", "Manchester", "Birmingham"),
    "SG": ("Singapore",),
    "AU": ("Sydney", "Melbourne", "Brisbane"),
}

# --------------------------------------------------------------------------------------------------- platforms
# primary platform weights by country
PLATFORM_WEIGHTS: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "JP": (
        ("instagram", 0.44),
        ("youtube", 0.17),
        ("tiktok", 0.15),
        ("x", 0.11),
        ("blog", 0.08),
        ("line", 0.05),
    ),
    "US": (("instagram", 0.4), ("youtube", 0.25), ("tiktok", 0.25), ("x", 0.07), ("blog", 0.03)),
    "GB": (("instagram", 0.45), ("youtube", 0.25), ("tiktok", 0.2), ("x", 0.06), ("blog", 0.04)),
    "AU": (("instagram", 0.45), ("youtube", 0.25), ("tiktok", 0.25), ("blog", 0.05)),
    "SG": (("instagram", 0.5), ("youtube", 0.2), ("tiktok", 0.25), ("blog", 0.05)),
    "TW": (
        ("instagram", 0.45),
        ("youtube", 0.2),
        ("tiktok", 0.08),
        ("blog", 0.1),
        ("xiaohongshu", 0.1),
        ("line", 0.07),
    ),
    "KR": (("instagram", 0.45), ("youtube", 0.25), ("naver_blog", 0.2), ("tiktok", 0.1)),
    "HK": (("instagram", 0.55), ("youtube", 0.25), ("xiaohongshu", 0.2)),
    "TH": (("instagram", 0.35), ("tiktok", 0.3), ("youtube", 0.2), ("line", 0.15)),
    "CN": (("xiaohongshu", 0.85), ("youtube", 0.05), ("instagram", 0.1)),
}

# engagement per follower relative to Instagram (TikTok per-follower rates run higher, X and blogs far lower)
PLATFORM_ER_FACTOR: Final[dict[str, float]] = {
    "instagram": 1.0,
    "tiktok": 1.9,
    "youtube": 0.75,
    "x": 0.35,
    "blog": 0.3,
    "line": 0.3,
    "xiaohongshu": 1.3,
    "naver_blog": 0.4,
}

# (post type, weight) per platform
POST_TYPES: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "instagram": (("feed", 0.55), ("reel", 0.38), ("story", 0.07)),
    "tiktok": (("video", 0.92), ("live", 0.08)),
    "youtube": (("video", 0.65), ("short", 0.3), ("live", 0.05)),
    "x": (("feed", 1.0),),
    "blog": (("blog", 1.0),),
    "naver_blog": (("blog", 1.0),),
    "line": (("feed", 0.7), ("video", 0.3)),
    "xiaohongshu": (("feed", 0.7), ("video", 0.3)),
}

POSTS_PER_WEEK: Final[dict[str, float]] = {
    "instagram": 3.0,
    "tiktok": 4.5,
    "youtube": 1.3,
    "x": 14.0,
    "blog": 2.0,
    "naver_blog": 2.5,
    "line": 2.0,
    "xiaohongshu": 3.0,
}

# first year an account on the platform can plausibly date from
PLATFORM_SINCE: Final[dict[str, int]] = {
    "instagram": 2011,
    "tiktok": 2018,
    "youtube": 2008,
    "x": 2009,
    "blog": 2006,
    "naver_blog": 2006,
    "line": 2016,
    "xiaohongshu": 2015,
}

HAS_FOLLOWING: Final[frozenset[str]] = frozenset({"instagram", "tiktok", "x", "xiaohongshu"})

# --------------------------------------------------------------------------------------------------- categories
CATEGORIES: Final[tuple[tuple[str, float], ...]] = (
    ("beauty", 0.13),
    ("skincare", 0.08),
    ("food", 0.13),
    ("travel", 0.1),
    ("fashion", 0.11),
    ("lifestyle", 0.1),
    ("parenting", 0.07),
    ("fitness", 0.06),
    ("tech", 0.06),
    ("gaming", 0.06),
    ("pets", 0.05),
    ("interior", 0.05),
)

# categories that tend to go together on one creator
RELATED: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("skincare", "fashion", "lifestyle"),
    "skincare": ("beauty", "lifestyle"),
    "food": ("travel", "lifestyle", "parenting"),
    "travel": ("food", "lifestyle", "fashion"),
    "fashion": ("beauty", "lifestyle", "travel"),
    "lifestyle": ("interior", "food", "fashion"),
    "parenting": ("lifestyle", "food", "interior"),
    "fitness": ("food", "lifestyle", "fashion"),
    "tech": ("gaming", "lifestyle"),
    "gaming": ("tech", "lifestyle"),
    "pets": ("lifestyle", "interior"),
    "interior": ("lifestyle", "parenting"),
}

FEMALE_SHARE: Final[dict[str, float]] = {
    "beauty": 0.86,
    "skincare": 0.88,
    "fashion": 0.76,
    "parenting": 0.84,
    "food": 0.62,
    "travel": 0.58,
    "lifestyle": 0.7,
    "fitness": 0.5,
    "tech": 0.22,
    "gaming": 0.27,
    "pets": 0.68,
    "interior": 0.72,
}

# audience age bands 13-17/18-24/25-34/35-44/45-54/55+ by category
AGE_BANDS: Final[tuple[str, ...]] = ("13-17", "18-24", "25-34", "35-44", "45-54", "55+")
AGE_WEIGHTS: Final[dict[str, tuple[float, ...]]] = {
    "beauty": (0.07, 0.33, 0.34, 0.16, 0.07, 0.03),
    "skincare": (0.03, 0.22, 0.38, 0.22, 0.1, 0.05),
    "fashion": (0.08, 0.36, 0.32, 0.14, 0.07, 0.03),
    "parenting": (0.01, 0.08, 0.45, 0.34, 0.09, 0.03),
    "food": (0.04, 0.22, 0.31, 0.22, 0.13, 0.08),
    "travel": (0.02, 0.2, 0.33, 0.23, 0.13, 0.09),
    "lifestyle": (0.04, 0.25, 0.34, 0.2, 0.11, 0.06),
    "fitness": (0.04, 0.3, 0.36, 0.18, 0.08, 0.04),
    "tech": (0.06, 0.3, 0.33, 0.18, 0.09, 0.04),
    "gaming": (0.2, 0.42, 0.24, 0.09, 0.04, 0.01),
    "pets": (0.04, 0.2, 0.3, 0.22, 0.14, 0.1),
    "interior": (0.01, 0.14, 0.38, 0.27, 0.13, 0.07),
}
# TikTok skews young, YouTube and blogs older
PLATFORM_AGE_SHIFT: Final[dict[str, tuple[float, ...]]] = {
    "tiktok": (1.8, 1.5, 0.9, 0.6, 0.4, 0.3),
    "youtube": (1.1, 1.0, 1.0, 1.0, 1.1, 1.2),
    "blog": (0.3, 0.6, 1.0, 1.3, 1.5, 1.6),
    "naver_blog": (0.3, 0.7, 1.1, 1.3, 1.3, 1.2),
    "x": (0.8, 1.2, 1.1, 1.0, 0.9, 0.7),
    "line": (0.5, 0.8, 1.0, 1.2, 1.3, 1.4),
    "xiaohongshu": (0.6, 1.4, 1.3, 0.8, 0.4, 0.2),
}

# --------------------------------------------------------------------------------------------------- names: ja
JA_SURNAMES: Final[tuple[tuple[str, str], ...]] = (
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"), ("伊藤", "ito"),
    ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"), ("小林", "kobayashi"), ("加藤", "kato"),
    ("吉田", "yoshida"), ("山田", "yamada"), ("佐々木", "sasaki"), ("山口", "yamaguchi"), ("松本", "matsumoto"),
    ("井上", "inoue"), ("木村", "kimura"), ("林", "hayashi"), ("斎藤", "saito"), ("清水", "shimizu"),
    ("山崎", "yamazaki"), ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"), ("阿部", "abe"),
    ("石川", "ishikawa"), ("前田", "maeda"), ("藤田", "fujita"), ("小川", "ogawa"), ("岡田", "okada"),
    ("長谷川", "hasegawa"), ("村上", "murakami"), ("近藤", "kondo"), ("石井", "ishii"), ("坂本", "sakamoto"),
    ("遠藤", "endo"), ("青木", "aoki"), ("藤井", "fujii"), ("西村", "nishimura"), ("福田", "fukuda"),
    ("太田", "ota"), ("三浦", "miura"), ("藤原", "fujiwara"), ("岡本", "okamoto"), ("松田", "matsuda"),
    ("中川", "nakagawa"), ("中野", "nakano"), ("原田", "harada"), ("小野", "ono"), ("竹内", "takeuchi"),
)  # fmt: skip

# (kanji, kana, romaji)
JA_GIVEN_F: Final[tuple[tuple[str, str, str], ...]] = (
    ("美咲", "みさき", "misaki"), ("陽菜", "ひな", "hina"), ("結衣", "ゆい", "yui"), ("葵", "あおい", "aoi"),
    ("さくら", "さくら", "sakura"), ("七海", "ななみ", "nanami"), ("彩", "あや", "aya"), ("真由", "まゆ", "mayu"),
    ("優花", "ゆうか", "yuka"), ("麻衣", "まい", "mai"), ("理沙", "りさ", "risa"), ("千尋", "ちひろ", "chihiro"),
    ("遥", "はるか", "haruka"), ("奈々", "なな", "nana"), ("愛", "あい", "ai"), ("舞", "まい", "mai"),
    ("莉子", "りこ", "riko"), ("杏奈", "あんな", "anna"), ("沙織", "さおり", "saori"), ("恵", "めぐみ", "megumi"),
    ("由美", "ゆみ", "yumi"), ("美穂", "みほ", "miho"), ("紗希", "さき", "saki"), ("栞", "しおり", "shiori"),
    ("楓", "かえで", "kaede"), ("芽衣", "めい", "mei"), ("凛", "りん", "rin"), ("香織", "かおり", "kaori"),
    ("明日香", "あすか", "asuka"), ("瑞希", "みずき", "mizuki"), ("朋子", "ともこ", "tomoko"), ("智子", "さとこ", "satoko"),
)  # fmt: skip
JA_GIVEN_M: Final[tuple[tuple[str, str, str], ...]] = (
    ("翔太", "しょうた", "shota"), ("大輝", "だいき", "daiki"), ("健太", "けんた", "kenta"), ("拓海", "たくみ", "takumi"),
    ("蓮", "れん", "ren"), ("悠真", "ゆうま", "yuma"), ("颯太", "そうた", "sota"), ("直樹", "なおき", "naoki"),
    ("亮", "りょう", "ryo"), ("誠", "まこと", "makoto"), ("海斗", "かいと", "kaito"), ("陸", "りく", "riku"),
    ("大和", "やまと", "yamato"), ("健", "けん", "ken"), ("和也", "かずや", "kazuya"), ("裕太", "ゆうた", "yuta"),
    ("翼", "つばさ", "tsubasa"), ("航", "わたる", "wataru"), ("俊介", "しゅんすけ", "shunsuke"), ("浩二", "こうじ", "koji"),
    ("隼人", "はやと", "hayato"), ("慎吾", "しんご", "shingo"), ("達也", "たつや", "tatsuya"), ("雄大", "ゆうだい", "yudai"),
)  # fmt: skip

# --------------------------------------------------------------------------------------------------- names: en
EN_FIRST_F: Final[tuple[str, ...]] = (
    "Emma", "Olivia", "Ava", "Sophia", "Mia", "Chloe", "Grace", "Lily", "Hannah", "Zoe", "Madison", "Ella",
    "Natalie", "Jessica", "Sarah", "Megan", "Rachel", "Amy", "Hailey", "Brooke", "Jasmine", "Naomi", "Claire",
)  # fmt: skip
EN_FIRST_M: Final[tuple[str, ...]] = (
    "James", "Liam", "Noah", "Ethan", "Lucas", "Mason", "Logan", "Ryan", "Tyler", "Jake", "Nathan", "Daniel",
    "Marcus", "Kevin", "Chris", "Alex", "Ben", "Sam", "Jordan", "Evan", "Owen", "Derek",
)  # fmt: skip
EN_LAST: Final[tuple[str, ...]] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Martin", "Lee", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker",
    "Nguyen", "Kim", "Chen", "Patel", "Tanaka", "Carter", "Morgan", "Reed", "Cooper", "Hughes", "Bennett",
)  # fmt: skip

# --------------------------------------------------------------------------------------------------- names: zh
# (hanzi, romanisation) for Taiwan/Hong Kong; mainland names share the surname list.
ZH_SURNAMES: Final[tuple[tuple[str, str], ...]] = (
    ("陳", "chen"), ("林", "lin"), ("黃", "huang"), ("張", "chang"), ("李", "lee"), ("王", "wang"), ("吳", "wu"),
    ("劉", "liu"), ("蔡", "tsai"), ("楊", "yang"), ("許", "hsu"), ("鄭", "cheng"), ("謝", "hsieh"), ("郭", "kuo"),
)  # fmt: skip
ZH_GIVEN_F: Final[tuple[tuple[str, str], ...]] = (
    ("怡君", "yijun"), ("雅婷", "yating"), ("詩涵", "shihan"), ("欣怡", "hsinyi"), ("佳穎", "chiaying"),
    ("宜蓁", "yichen"), ("思妤", "szuyu"), ("婉婷", "wanting"), ("心怡", "hsinyi"), ("家瑜", "chiayu"),
)  # fmt: skip
ZH_GIVEN_M: Final[tuple[tuple[str, str], ...]] = (
    ("冠宇", "kuanyu"), ("承恩", "chengen"), ("宇軒", "yuhsuan"), ("家豪", "chiahao"), ("志明", "chihming"),
    ("俊傑", "chunchieh"), ("建宏", "chienhung"), ("柏翰", "pohan"),
)  # fmt: skip
ZH_CN_GIVEN: Final[tuple[tuple[str, str], ...]] = (
    ("晓雯", "xiaowen"), ("思琪", "siqi"), ("雨桐", "yutong"), ("佳怡", "jiayi"), ("子涵", "zihan"),
    ("浩然", "haoran"), ("一鸣", "yiming"), ("梓萱", "zixuan"),
)  # fmt: skip

# --------------------------------------------------------------------------------------------------- names: ko
KO_SURNAMES: Final[tuple[tuple[str, str], ...]] = (
    ("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"), ("강", "kang"), ("조", "cho"),
    ("윤", "yoon"), ("장", "jang"), ("임", "lim"), ("한", "han"), ("오", "oh"),
)  # fmt: skip
KO_GIVEN_F: Final[tuple[tuple[str, str], ...]] = (
    ("지은", "jieun"), ("서연", "seoyeon"), ("민지", "minji"), ("수빈", "subin"), ("하은", "haeun"),
    ("예린", "yerin"), ("유나", "yuna"), ("소희", "sohee"), ("다은", "daeun"),
)  # fmt: skip
KO_GIVEN_M: Final[tuple[tuple[str, str], ...]] = (
    ("민준", "minjun"), ("서준", "seojun"), ("도윤", "doyoon"), ("지호", "jiho"), ("현우", "hyunwoo"),
    ("준호", "junho"), ("태민", "taemin"),
)  # fmt: skip

# --------------------------------------------------------------------------------------------------- names: th
# Thai creators usually go by a nickname.
TH_NICK_F: Final[tuple[tuple[str, str], ...]] = (
    ("พลอย", "ploy"), ("มายด์", "mind"), ("แพรว", "praew"), ("ฝ้าย", "fai"), ("น้ำหวาน", "namwan"), ("เฟิร์น", "fern"),
)  # fmt: skip
TH_NICK_M: Final[tuple[tuple[str, str], ...]] = (
    ("บอส", "boss"), ("ต้น", "ton"), ("เจมส์", "james"), ("ภูมิ", "poom"), ("กอล์ฟ", "golf"),
)  # fmt: skip

# --------------------------------------------------------------------------------------------------- niches
# per category: ja niche word, ja persona words, ja content words, en niche, en content words, zh, ko, th words
NICHE_JA: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("美容", "コスメ", "プチプラコスメ", "メイク"),
    "skincare": ("スキンケア", "敏感肌ケア", "肌育", "美肌"),
    "food": ("グルメ", "カフェ巡り", "おうちごはん", "食べ歩き"),
    "travel": ("旅行", "国内旅行", "温泉旅", "一人旅"),
    "fashion": ("ファッション", "プチプラコーデ", "大人カジュアル", "古着"),
    "lifestyle": ("暮らし", "丁寧な暮らし", "ライフスタイル", "ミニマリスト"),
    "parenting": ("子育て", "育児", "ママライフ", "親子コーデ"),
    "fitness": ("筋トレ", "ダイエット", "ヨガ", "ランニング"),
    "tech": ("ガジェット", "デスクツアー", "スマホ", "Apple製品"),
    "gaming": ("ゲーム実況", "ゲーム", "Switch", "FPS"),
    "pets": ("猫", "犬", "保護猫", "柴犬"),
    "interior": ("インテリア", "収納", "無印良品", "北欧インテリア"),
}
PERSONA_JA: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("イエベ春", "ブルベ夏", "一重", "アラサー"),
    "skincare": ("敏感肌", "乾燥肌", "混合肌", "ゆらぎ肌"),
    "food": ("食いしん坊", "甘党", "ラーメン好き", "パン好き"),
    "travel": ("旅好き", "温泉好き", "週末トラベラー", "元CA"),
    "fashion": ("高身長", "低身長", "骨格ウェーブ", "骨格ストレート"),
    "lifestyle": ("会社員", "共働き", "一人暮らし", "夫婦二人暮らし"),
    "parenting": ("2児のママ", "3歳男の子ママ", "新米パパ", "年子ママ"),
    "fitness": ("元運動音痴", "パーソナルトレーナー", "会社員", "産後"),
    "tech": ("エンジニア", "デザイナー", "ガジェット好き", "在宅ワーカー"),
    "gaming": ("社会人ゲーマー", "元プロゲーマー", "夜型", "配信者"),
    "pets": ("猫2匹と暮らす", "柴犬と暮らす", "多頭飼い", "保護犬と暮らす"),
    "interior": ("賃貸暮らし", "マイホーム", "1LDK", "団地暮らし"),
}
CONTENT_JA: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("新作コスメ", "毎日メイク", "プチプラコスメ", "デパコス"),
    "skincare": ("朝のルーティン", "愛用スキンケア", "肌荒れ対策", "夜のスキンケア"),
    "food": ("東京のカフェ", "週末の食べ歩き", "簡単レシピ", "おうちごはん"),
    "travel": ("週末旅行", "温泉宿", "絶景スポット", "ご当地グルメ"),
    "fashion": ("毎日コーデ", "プチプラコーデ", "購入品", "着回し"),
    "lifestyle": ("日々の暮らし", "休日の過ごし方", "愛用品", "モーニングルーティン"),
    "parenting": ("子育ての記録", "時短ごはん", "親子でおでかけ", "育児グッズ"),
    "fitness": ("宅トレ", "ダイエット記録", "高タンパクごはん", "筋トレ記録"),
    "tech": ("ガジェットレビュー", "デスク周り", "スマホ比較", "便利アプリ"),
    "gaming": ("ゲーム実況", "新作ゲーム", "攻略", "配信"),
    "pets": ("猫との暮らし", "お散歩", "ペットグッズ", "うちの子の日常"),
    "interior": ("部屋づくり", "収納アイデア", "インテリア雑貨", "模様替え"),
}
ITEMS_JA: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("リップ", "アイシャドウ", "ファンデ", "マスカラ", "チーク", "下地"),
    "skincare": ("化粧水", "美容液", "クレンジング", "日焼け止め", "保湿クリーム", "シートマスク"),
    "food": ("モーニング", "ランチ", "パンケーキ", "ラーメン", "スイーツ", "パスタ"),
    "travel": ("温泉", "旅館", "朝ごはん", "絶景", "城下町", "海"),
    "fashion": ("ワンピース", "デニム", "カーディガン", "スニーカー", "バッグ", "ジャケット"),
    "lifestyle": ("朝時間", "手帳", "お気に入りのマグ", "カフェ時間", "花のある暮らし", "読書"),
    "parenting": ("離乳食", "お弁当", "絵本", "公園", "ベビーカー", "寝かしつけ"),
    "fitness": ("スクワット", "プロテイン", "ヨガ", "朝ラン", "腹筋", "ストレッチ"),
    "tech": ("ワイヤレスイヤホン", "キーボード", "モニター", "充電器", "タブレット", "スマートウォッチ"),
    "gaming": ("新作RPG", "ランクマ", "協力プレイ", "ゲーミングチェア", "実況配信", "アクションゲーム"),
    "pets": ("おやつ", "お昼寝", "お散歩", "キャットタワー", "トリミング", "新しいおもちゃ"),
    "interior": ("収納", "照明", "ラグ", "観葉植物", "キッチン", "ソファ"),
}
FEELING_JA: Final[tuple[str, ...]] = (
    "最高でした！", "リピ確定です🙆‍♀️", "本当におすすめ✨", "癒されました☺️", "また行きたい！", "感動レベル…！",
    "しばらく手放せなさそう", "みなさんのおすすめも教えてください🙏", "保存して参考にしてね", "詳しくはハイライトに📌",
)  # fmt: skip

NICHE_EN: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("beauty", "makeup", "drugstore makeup", "clean beauty"),
    "skincare": ("skincare", "sensitive skin", "glass skin", "skincare science"),
    "food": ("food", "brunch spots", "home cooking", "street food"),
    "travel": ("travel", "Japan travel", "budget travel", "slow travel"),
    "fashion": ("fashion", "everyday outfits", "thrift finds", "minimal style"),
    "lifestyle": ("lifestyle", "slow living", "daily vlogs", "productivity"),
    "parenting": ("parenting", "mom life", "toddler activities", "dad life"),
    "fitness": ("fitness", "home workouts", "running", "pilates"),
    "tech": ("tech", "gadget reviews", "desk setups", "smartphones"),
    "gaming": ("gaming", "indie games", "FPS", "Nintendo"),
    "pets": ("pets", "cats", "dog life", "rescue pets"),
    "interior": ("interior", "small space living", "home decor", "organizing"),
}
ITEMS_EN: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("lip tint", "eyeshadow palette", "foundation", "mascara", "blush", "primer"),
    "skincare": ("toner", "serum", "cleansing balm", "sunscreen", "moisturizer", "sheet mask"),
    "food": ("brunch", "ramen", "matcha latte", "pancakes", "tacos", "bakery haul"),
    "travel": ("onsen", "ryokan stay", "sunrise hike", "old town", "beach day", "night market"),
    "fashion": ("linen dress", "denim", "cardigan", "sneakers", "tote bag", "blazer"),
    "lifestyle": (
        "morning routine",
        "journal",
        "weekend reset",
        "reading nook",
        "coffee ritual",
        "meal prep",
    ),
    "parenting": ("lunchbox", "bedtime routine", "playground day", "baby carrier", "picture books", "snacks"),
    "fitness": ("leg day", "protein oats", "yoga flow", "5K run", "core workout", "stretching"),
    "tech": ("wireless earbuds", "mechanical keyboard", "monitor", "charger", "tablet", "smartwatch"),
    "gaming": ("new RPG", "ranked grind", "co-op run", "gaming chair", "stream setup", "boss fight"),
    "pets": ("treats", "nap time", "walkies", "cat tree", "grooming day", "new toy"),
    "interior": ("storage hack", "lighting", "rug", "houseplants", "kitchen shelf", "sofa"),
}
FEELING_EN: Final[tuple[str, ...]] = (
    "Obsessed.", "10/10 would recommend!", "Saving this for later.", "Honestly a game changer.",
    "Can't believe I waited this long.", "Tell me your favorites below 👇", "Full review in my stories.",
    "Worth every penny.", "This made my week ✨", "Would you try this?",
)  # fmt: skip

NICHE_ZH_TW: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("美妝", "彩妝"), "skincare": ("保養", "敏感肌保養"), "food": ("美食", "咖啡廳"),
    "travel": ("日本旅遊", "自由行"), "fashion": ("穿搭", "日系穿搭"), "lifestyle": ("生活", "日常"),
    "parenting": ("育兒", "親子"), "fitness": ("健身", "減脂"), "tech": ("3C開箱", "科技"),
    "gaming": ("遊戲實況", "手遊"), "pets": ("貓咪", "狗狗"), "interior": ("居家佈置", "收納"),
}  # fmt: skip
NICHE_ZH_CN: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("美妆", "彩妆"), "skincare": ("护肤", "敏感肌护肤"), "food": ("美食", "探店"),
    "travel": ("日本旅行", "旅行攻略"), "fashion": ("穿搭", "日系穿搭"), "lifestyle": ("生活", "日常vlog"),
    "parenting": ("育儿", "亲子"), "fitness": ("健身", "减脂"), "tech": ("数码", "数码开箱"),
    "gaming": ("游戏", "手游"), "pets": ("猫咪", "狗狗"), "interior": ("家居", "收纳"),
}  # fmt: skip
NICHE_KO: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("뷰티", "메이크업"), "skincare": ("스킨케어", "민감성 피부"), "food": ("맛집", "카페"),
    "travel": ("여행", "일본 여행"), "fashion": ("패션", "데일리룩"), "lifestyle": ("일상", "라이프스타일"),
    "parenting": ("육아", "육아일기"), "fitness": ("운동", "다이어트"), "tech": ("IT", "전자기기 리뷰"),
    "gaming": ("게임", "게임 방송"), "pets": ("고양이", "강아지"), "interior": ("인테리어", "자취방 꾸미기"),
}  # fmt: skip
NICHE_TH: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("บิวตี้", "รีวิวเครื่องสำอาง"), "skincare": ("สกินแคร์", "ผิวแพ้ง่าย"), "food": ("รีวิวอาหาร", "คาเฟ่"),
    "travel": ("เที่ยวญี่ปุ่น", "ท่องเที่ยว"), "fashion": ("แฟชั่น", "แต่งตัว"), "lifestyle": ("ไลฟ์สไตล์", "ชีวิตประจำวัน"),
    "parenting": ("แม่และเด็ก", "เลี้ยงลูก"), "fitness": ("ออกกำลังกาย", "ลดน้ำหนัก"), "tech": ("ไอที", "รีวิวแกดเจ็ต"),
    "gaming": ("เกม", "สตรีมเกม"), "pets": ("แมว", "หมา"), "interior": ("แต่งบ้าน", "จัดห้อง"),
}  # fmt: skip

# --------------------------------------------------------------------------------------------------- hashtags
HASHTAGS_JA: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("コスメ", "コスメ好きさんと繋がりたい", "プチプラコスメ", "メイク", "新作コスメ", "デパコス"),
    "skincare": ("スキンケア", "敏感肌", "スキンケアマニア", "美容好きな人と繋がりたい", "肌荒れ", "美肌"),
    "food": ("東京グルメ", "カフェ巡り", "グルメ", "おうちごはん", "食べ歩き", "東京カフェ"),
    "travel": ("国内旅行", "旅行好きな人と繋がりたい", "温泉", "旅スタグラム", "絶景", "女子旅"),
    "fashion": ("今日のコーデ", "プチプラコーデ", "大人カジュアル", "ユニクロコーデ", "着回しコーデ", "GU"),
    "lifestyle": ("丁寧な暮らし", "暮らし", "日常", "シンプルライフ", "暮らしを楽しむ", "朝活"),
    "parenting": ("子育て", "育児", "ママ", "子どものいる暮らし", "離乳食", "親バカ部"),
    "fitness": ("筋トレ", "ダイエット", "宅トレ", "筋トレ女子", "ボディメイク", "ヨガ"),
    "tech": ("ガジェット", "デスクツアー", "在宅ワーク", "デスク周り", "Apple", "レビュー"),
    "gaming": ("ゲーム", "ゲーム実況", "Switch", "ゲーム好きな人と繋がりたい", "PS5", "配信"),
    "pets": ("猫", "ねこすたぐらむ", "犬", "いぬすたぐらむ", "柴犬", "保護猫"),
    "interior": ("インテリア", "収納", "無印良品", "マイホーム", "賃貸インテリア", "暮らしの道具"),
}
HASHTAGS_EN: Final[dict[str, tuple[str, ...]]] = {
    "beauty": ("makeup", "beauty", "makeuptutorial", "drugstoremakeup", "motd", "beautytips"),
    "skincare": ("skincare", "skincareroutine", "sensitiveskin", "glassskin", "spf", "skincaretips"),
    "food": ("foodie", "brunch", "foodstagram", "homecooking", "eeeeeats", "ramen"),
    "travel": ("travel", "japantravel", "wanderlust", "travelgram", "tokyo", "solotravel"),
    "fashion": ("ootd", "outfitinspo", "thrifted", "styleinspo", "minimalstyle", "whatiwore"),
    "lifestyle": ("lifestyle", "slowliving", "dayinmylife", "morningroutine", "selfcare", "productivity"),
    "parenting": ("momlife", "parenting", "toddlerlife", "dadlife", "familytime", "kidsactivities"),
    "fitness": ("fitness", "workout", "homeworkout", "running", "pilates", "fitfam"),
    "tech": ("tech", "desksetup", "gadgets", "techreview", "wfh", "apple"),
    "gaming": ("gaming", "gamer", "nintendoswitch", "ps5", "twitch", "indiegames"),
    "pets": ("catsofinstagram", "dogsofinstagram", "petlife", "rescuecat", "doglife", "catlife"),
    "interior": ("interiordesign", "homedecor", "smallspaces", "organization", "homeinspo", "plantlover"),
}

# --------------------------------------------------------------------------------------------------- sponsors
BRANDS_JA: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "beauty": (("ルミエールコスメ", "lumiere_cosme"), ("花小路化粧品", "hanakoji_cosme")),
    "skincare": (("はだまもり", "hadamamori_official"), ("ミナモスキン", "minamo_skin")),
    "food": (("やまびこ製菓", "yamabiko_seika"), ("カフェ青葉", "cafe_aoba_official")),
    "travel": (("湯けむり旅館 松風", "matsukaze_ryokan"), ("そらトラベル", "sora_travel_jp")),
    "fashion": (("ノルンアパレル", "norn_apparel"), ("KAZE STORE", "kaze_store")),
    "lifestyle": (("木漏れ日雑貨店", "komorebi_zakka"), ("ひだまり生活", "hidamari_seikatsu")),
    "parenting": (("すくすくベビー", "sukusuku_baby"), ("こどもの森", "kodomo_no_mori")),
    "fitness": (("マッスルキッチン", "muscle_kitchen_jp"), ("ヨガスタジオ凪", "yoga_nagi")),
    "tech": (("テクノアーク", "technoark_jp"), ("ミライガジェット", "mirai_gadget")),
    "gaming": (("ゲームスタジオ朧", "oboro_games"), ("ピクセル堂", "pixeldo_official")),
    "pets": (("にくきゅうフーズ", "nikukyu_foods"), ("わんにゃん堂", "wannyando")),
    "interior": (("北欧家具ミルク", "milk_furniture"), ("くらしの棚", "kurashi_no_tana")),
}
BRANDS_EN: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "beauty": (("Lumière Beauty", "lumierebeauty"), ("Petal & Co", "petalandco")),
    "skincare": (("Dewdrop Skin", "dewdropskin"), ("Calm Derma", "calmderma")),
    "food": (("Golden Spoon", "goldenspoonfoods"), ("Oat Republic", "oatrepublic")),
    "travel": (("Wayfarer Hotels", "wayfarerhotels"), ("Skyline Air", "skylineair")),
    "fashion": (("North Thread", "norththread"), ("Loom Studio", "loomstudio")),
    "lifestyle": (("Hearth Goods", "hearthgoods"), ("Daybreak Co", "daybreakco")),
    "parenting": (("Little Sprout", "littlesprout"), ("Cuddle Nest", "cuddlenest")),
    "fitness": (("Peak Protein", "peakprotein"), ("FlexFlow", "flexflowfit")),
    "tech": (("Voltix", "voltixtech"), ("Nimbus Audio", "nimbusaudio")),
    "gaming": (("Arcadia Games", "arcadiagames"), ("HyperGrip", "hypergrip")),
    "pets": (("Whisker Kitchen", "whiskerkitchen"), ("Happy Paws", "happypawsco")),
    "interior": (("Nook & Nest", "nookandnest"), ("Linden Home", "lindenhome")),
}

# --------------------------------------------------------------------------------------------------- comments
COMMENTS_JA: Final[tuple[str, ...]] = (
    "めっちゃ参考になります！", "この色かわいい〜！", "どこのお店ですか？", "真似させてもらいます☺️",
    "いつも投稿楽しみにしてます", "これ気になってました！", "保存しました📌", "わかる〜！うちもです",
    "使用感どうですか？", "今度行ってみます！",
)  # fmt: skip
COMMENTS_EN: Final[tuple[str, ...]] = (
    "Where is this from?", "Adding this to my list!", "Your feed always makes my day", "How long did it last?",
    "Need this in my life", "Great tip, thank you!", "Which shade is that?", "Love how honest your reviews are",
)  # fmt: skip
COMMENTS_ZH: Final[tuple[str, ...]] = (
    "好想去！", "請問這是哪裡買的？", "看起來好好吃", "收藏了！", "太可愛了吧", "每次都好有參考價值",
)  # fmt: skip
COMMENTS_KO: Final[tuple[str, ...]] = (
    "너무 예뻐요!", "어디 제품이에요?", "저장해요 📌", "정보 감사합니다!", "분위기 최고예요", "저도 써보고 싶어요",
)  # fmt: skip
# What bought engagement and pods leave behind: generic and emoji-only.
COMMENTS_GENERIC: Final[tuple[str, ...]] = (
    "Nice pic!", "Great post!", "🔥🔥🔥", "❤️❤️", "Love this ❤️", "Awesome!", "👏👏👏", "Amazing content",
    "Wow", "素敵✨", "😍😍😍", "Cool!", "Nice", "💯",
)  # fmt: skip

# --------------------------------------------------------------------------------------------------- managers
AGENCIES_JA: Final[tuple[tuple[str, str], ...]] = (
    ("株式会社ルミナスプロダクション", "luminous-pro.jp"), ("株式会社ホシノ企画", "hoshino-kikaku.co.jp"),
    ("株式会社サニークリエイターズ", "sunny-creators.jp"), ("合同会社ツバメエージェンシー", "tsubame-agency.jp"),
    ("株式会社アオゾラマネジメント", "aozora-mgmt.jp"), ("株式会社シズクプロ", "shizuku-pro.jp"),
)  # fmt: skip
AGENCIES_EN: Final[tuple[tuple[str, str], ...]] = (
    ("Brightline Talent", "brightlinetalent.com"), ("Northstar Creators", "northstarcreators.com"),
    ("Harbor Social Management", "harborsocial.co"), ("Kite & Co Talent", "kiteandco.io"),
    ("Bluebird Creator Agency", "bluebirdcreators.com"),
)  # fmt: skip

EMAIL_DOMAINS: Final[dict[str, tuple[str, ...]]] = {
    "ja": ("gmail.com", "yahoo.co.jp", "icloud.com", "outlook.jp", "docomo.ne.jp"),
    "en": ("gmail.com", "outlook.com", "icloud.com", "yahoo.com"),
    "zh-TW": ("gmail.com", "yahoo.com.tw", "hotmail.com"),
    "zh-HK": ("gmail.com", "yahoo.com.hk", "outlook.com"),
    "zh-CN": ("qq.com", "163.com", "gmail.com"),
    "ko": ("naver.com", "gmail.com", "daum.net"),
    "th": ("gmail.com", "hotmail.com"),
}
