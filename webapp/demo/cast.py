"""Demo organisations and name parts: enterprises per field, universities, counties."""

from __future__ import annotations

ENTERPRISES = {
    "smart_manufacturing": [("津门精密传动科技有限公司", "tianjin"), ("北方重工智能装备有限公司", "hebei"),
                            ("京华数控机床股份有限公司", "beijing"), ("滨海汽车模具有限公司", "tianjin")],
    "new_materials": [("渤海轻合金材料有限公司", "tianjin"), ("燕赵钢铁集团有限公司", "hebei"),
                      ("中关村高分子材料有限公司", "beijing"), ("沧州海工新材料有限公司", "hebei")],
    "new_energy": [("津能储能科技有限公司", "tianjin"), ("张北风光新能源有限公司", "hebei"),
                   ("京氢动力科技有限公司", "beijing"), ("衡水生物质能源有限公司", "hebei")],
    "semiconductor": [("津芯半导体有限公司", "tianjin"), ("北京微纳传感技术有限公司", "beijing"),
                      ("天津华晶电子材料有限公司", "tianjin"), ("石家庄射频器件有限公司", "hebei")],
    "xinchuang": [("天津港信息技术有限公司", "tianjin"), ("京西软件股份有限公司", "beijing"),
                  ("海河工业软件有限公司", "tianjin"), ("保定政务云服务有限公司", "hebei")],
    "ai": [("津钢智能检测有限公司", "tianjin"), ("北京智远视觉科技有限公司", "beijing"),
           ("唐山智慧物流有限公司", "hebei"), ("天津城市大脑科技有限公司", "tianjin")],
    "iot": [("天津冷链云科技有限公司", "tianjin"), ("饶阳设施农业合作社", "hebei"),
            ("开滦智慧矿山科技有限公司", "hebei"), ("北京城建监测技术有限公司", "beijing")],
    "smart_mobility": [("天津港智能运输有限公司", "tianjin"), ("天津公交集团有限公司", "tianjin"),
                       ("北京轨道装备科技有限公司", "beijing"), ("廊坊低空物流有限公司", "hebei")],
    "biomedicine": [("天津康润生物制药有限公司", "tianjin"), ("北京博医影像科技有限公司", "beijing"),
                    ("石药创新医疗器械有限公司", "hebei"), ("天津滨海原料药有限公司", "tianjin")],
    "synthetic_biology": [("天津合生生物科技有限公司", "tianjin"), ("北京酶创生物技术有限公司", "beijing"),
                          ("河北绿源生物炼制有限公司", "hebei"), ("天津微构工场有限公司", "tianjin")],
    "tcm": [("天津津药中药股份有限公司", "tianjin"), ("承德道地药材种植有限公司", "hebei"),
            ("北京同仁中医药科技有限公司", "beijing"), ("安国中药饮片有限公司", "hebei")],
}

UNIVERSITIES = [
    ("天津大学", "tianjin", "university"), ("南开大学", "tianjin", "university"),
    ("河北工业大学", "tianjin", "university"), ("天津工业大学", "tianjin", "university"),
    ("天津科技大学", "tianjin", "university"), ("天津理工大学", "tianjin", "university"),
    ("天津中医药大学", "tianjin", "university"), ("天津医科大学", "tianjin", "university"),
    ("中国民航大学", "tianjin", "university"), ("清华大学", "beijing", "university"),
    ("北京理工大学", "beijing", "university"), ("北京航空航天大学", "beijing", "university"),
    ("北京化工大学", "beijing", "university"), ("北京科技大学", "beijing", "university"),
    ("北京中医药大学", "beijing", "university"), ("中国农业大学", "beijing", "university"),
    ("燕山大学", "hebei", "university"), ("河北大学", "hebei", "university"),
    ("河北科技大学", "hebei", "university"), ("华北电力大学（保定）", "hebei", "university"),
    ("中国科学院天津工业生物技术研究所", "tianjin", "institute"),
    ("中国科学院过程工程研究所", "beijing", "institute"),
    ("天津市农业科学院", "tianjin", "institute"), ("河北省农林科学院", "hebei", "institute"),
]

TRANSFER_INSTITUTIONS = [
    ("天津市技术转移中心", "tianjin"), ("滨海新区科技成果转化服务中心", "tianjin"),
    ("中关村技术经理人协会", "beijing"), ("京津冀技术交易服务中心", "beijing"),
    ("河北省科技成果转化服务中心", "hebei"), ("雄安新区技术转移中心", "hebei"),
]

COUNTIES = ["静海区", "宁河区", "蓟州区", "武清区", "宝坻区", "饶阳县", "承德县", "张北县", "安国市",
            "黄骅市", "迁安市", "清河县", "平泉市", "涿州市"]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玉兰晓东海波宁鹏飞宇欣然浩博文思远立新"
