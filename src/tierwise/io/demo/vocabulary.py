"""Words the demo data set is made of, in English and Chinese, aligned pair by pair.

Each vocabulary is a tuple of ``(en, zh)`` pairs. The generator draws codes (positions in a vocabulary)
and writes the English words; :func:`tierwise.io.demo.localize` swaps in the Chinese ones.
"""

from __future__ import annotations

Pairs = tuple[tuple[str, str], ...]

OWNERS = ("li.wei", "wang.fang", "zhang.min", "liu.yang", "chen.jing", "yang.lei", "zhao.qiang", "huang.li")

REGIONS: Pairs = (
    ("Guangdong", "广东省"),
    ("Jiangsu", "江苏省"),
    ("Zhejiang", "浙江省"),
    ("Shandong", "山东省"),
    ("Shanghai", "上海市"),
    ("Beijing", "北京市"),
    ("Henan", "河南省"),
    ("Sichuan", "四川省"),
    ("Hubei", "湖北省"),
    ("Fujian", "福建省"),
    ("Hunan", "湖南省"),
    ("Anhui", "安徽省"),
    ("Hebei", "河北省"),
    ("Shaanxi", "陕西省"),
    ("Tianjin", "天津市"),
    ("Chongqing", "重庆市"),
    ("Liaoning", "辽宁省"),
    ("Jiangxi", "江西省"),
    ("Yunnan", "云南省"),
    ("Guangxi", "广西壮族自治区"),
)
# Relative weight of each region (bigger economies hold more customers).
REGION_WEIGHTS = (13, 12, 10, 8, 7, 6, 5, 5, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 1)

# (en, zh, word used in company names en, zh)
INDUSTRIES: tuple[tuple[str, str, str, str], ...] = (
    ("manufacturing", "制造业", "Manufacturing", "制造"),
    ("wholesale and retail", "批发和零售业", "Trading", "商贸"),
    ("construction", "建筑业", "Construction", "建设"),
    ("information technology", "信息技术", "Technology", "科技"),
    ("healthcare", "医疗卫生", "Medical", "医疗"),
    ("education", "教育", "Education", "教育"),
    ("logistics", "交通运输和物流", "Logistics", "物流"),
    ("hospitality", "住宿和餐饮业", "Hospitality", "餐饮"),
    ("energy", "能源", "Energy", "能源"),
    ("agriculture", "农业", "Agriculture", "农业"),
    ("public administration", "公共管理", "Services", "服务"),
)
INDUSTRY_WEIGHTS = (22, 20, 10, 10, 7, 5, 8, 7, 4, 4, 3)
PUBLIC_INDUSTRY = 10  # public-sector customers belong to "public administration"

NAME_PREFIXES: Pairs = (
    ("Huaxin", "华信"),
    ("Hengtong", "恒通"),
    ("Jinyuan", "金源"),
    ("Dahua", "大华"),
    ("Zhongtian", "中天"),
    ("Xinda", "信达"),
    ("Tianrui", "天瑞"),
    ("Hongsheng", "宏盛"),
    ("Ruifeng", "瑞丰"),
    ("Yongxin", "永鑫"),
    ("Kangda", "康达"),
    ("Haitian", "海天"),
    ("Longteng", "龙腾"),
    ("Boyuan", "博远"),
    ("Mingde", "明德"),
    ("Guangda", "光大"),
    ("Shengshi", "盛世"),
    ("Jiahe", "嘉禾"),
    ("Fuxing", "复兴"),
    ("Baoli", "宝利"),
    ("Chengxin", "诚信"),
    ("Dongfang", "东方"),
    ("Xinghua", "兴华"),
    ("Anda", "安达"),
    ("Huamei", "华美"),
    ("Zhongxing", "中兴"),
    ("Tongda", "通达"),
    ("Yuanhang", "远航"),
    ("Jinqiao", "金桥"),
    ("Hongda", "宏达"),
)
COMPANY_SUFFIXES: Pairs = (("Co., Ltd.", "有限公司"), ("Group", "集团"), ("Corp.", "股份有限公司"))
PUBLIC_BODIES: Pairs = (
    ("Bureau", "局"),
    ("Center", "中心"),
    ("Hospital", "医院"),
    ("School", "学校"),
)

SURNAMES: Pairs = (
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Huang", "黄"),
    ("Zhao", "赵"),
    ("Wu", "吴"),
    ("Zhou", "周"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Ma", "马"),
    ("Zhu", "朱"),
    ("Hu", "胡"),
    ("Guo", "郭"),
    ("He", "何"),
    ("Lin", "林"),
    ("Gao", "高"),
    ("Luo", "罗"),
)
GIVEN_NAMES: Pairs = (
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Min", "敏"),
    ("Jing", "静"),
    ("Lei", "磊"),
    ("Qiang", "强"),
    ("Yang", "洋"),
    ("Yong", "勇"),
    ("Jun", "军"),
    ("Jie", "杰"),
    ("Tao", "涛"),
    ("Ming", "明"),
    ("Chao", "超"),
    ("Xiuying", "秀英"),
    ("Xiaohong", "晓红"),
    ("Guilan", "桂兰"),
    ("Haiyan", "海燕"),
    ("Jianhua", "建华"),
    ("Zhiqiang", "志强"),
    ("Lili", "丽丽"),
    ("Hui", "慧"),
    ("Ping", "平"),
    ("Gang", "刚"),
    ("Yan", "燕"),
    ("Xin", "鑫"),
)

KINDS = ("company", "person")
ORG_LEVELS = ("national", "provincial", "municipal", "county")
ORG_LEVEL_WEIGHTS = (0.08, 0.22, 0.32, 0.38)
IT_STATUS: Pairs = (
    ("none", "无"),
    ("basic office software", "基础办公软件"),
    ("ERP", "已上ERP"),
    ("ERP and CRM", "ERP与CRM"),
    ("planning an upgrade", "计划升级"),
)

# (en, zh, typical unit price in yuan)
CATEGORIES: tuple[tuple[str, str, float], ...] = (
    ("office supplies", "办公用品", 25.0),
    ("electronics", "电子产品", 900.0),
    ("industrial parts", "工业配件", 180.0),
    ("packaging", "包装材料", 12.0),
    ("chemicals", "化工原料", 320.0),
    ("furniture", "办公家具", 1500.0),
    ("food and beverage", "食品饮料", 60.0),
    ("cleaning products", "清洁用品", 35.0),
)
CHANNELS: Pairs = (
    ("direct sales", "直销"),
    ("distributor", "经销商"),
    ("online", "线上商城"),
    ("telesales", "电话销售"),
)
CHANNEL_WEIGHTS_COMPANY = (0.45, 0.30, 0.15, 0.10)
CHANNEL_WEIGHTS_PERSON = (0.10, 0.10, 0.65, 0.15)

VISIT_CHANNELS: Pairs = (("on-site", "上门拜访"), ("phone", "电话"), ("video call", "视频会议"), ("WeChat", "微信"))
VISIT_CONTENTS: Pairs = (
    ("quarterly business review", "季度业务回顾"),
    ("new product introduction", "新品介绍"),
    ("price negotiation", "价格谈判"),
    ("contract renewal", "续签合同"),
    ("after-sales follow-up", "售后回访"),
    ("collect overdue payment", "催收欠款"),
    ("needs assessment", "需求调研"),
)
VISIT_PROGRESS: Pairs = (
    ("order expected", "预计下单"),
    ("quote requested", "客户要求报价"),
    ("no change", "无明显进展"),
    ("contract signed", "已签合同"),
    ("issue escalated", "问题已上报"),
)

COMPLAINT_CATEGORIES: Pairs = (
    ("product quality", "产品质量"),
    ("late delivery", "交货延迟"),
    ("billing error", "账单错误"),
    ("service attitude", "服务态度"),
    ("wrong item", "错发货"),
)
COMPLAINT_DESCRIPTIONS: Pairs = (
    ("goods arrived damaged", "货物到达时破损"),
    ("delivery two weeks late", "交货晚了两周"),
    ("invoice amount does not match the order", "发票金额与订单不符"),
    ("hotline did not call back", "客服热线未回电"),
    ("received the wrong model", "收到的型号不对"),
    ("quality below the sample", "质量不如样品"),
)
COMPLAINT_CAUSES: Pairs = (
    ("carrier handling", "承运商操作不当"),
    ("supplier stock-out", "供应商缺货"),
    ("data entry error", "录入错误"),
    ("staff shortage", "人手不足"),
    ("batch defect", "批次质量缺陷"),
)
COMPLAINT_RESOLUTIONS: Pairs = (
    ("replacement shipped", "已补发"),
    ("refund issued", "已退款"),
    ("invoice corrected", "已更正发票"),
    ("apology and coupon", "致歉并赠送优惠券"),
    ("on-site repair", "上门维修"),
)
SURVEY_COMMENTS: Pairs = (
    ("fast delivery", "发货快"),
    ("prices are too high", "价格偏高"),
    ("account manager is helpful", "客户经理很专业"),
    ("quality is stable", "质量稳定"),
    ("invoices are often late", "发票经常延迟"),
    ("would recommend", "愿意推荐"),
)

# First six digits of resident identity numbers: real area codes of the regions above, in region order.
ID_AREA_CODES = (
    440106,
    320102,
    330106,
    370102,
    310104,
    110105,
    410105,
    510107,
    420106,
    350102,
    430104,
    340104,
    130102,
    610113,
    120101,
    500103,
    210102,
    360102,
    530102,
    450103,
)
MOBILE_PREFIXES = (130, 131, 132, 135, 136, 137, 138, 139, 150, 151, 152, 155, 158, 159, 177, 180, 186, 188, 189, 199)
