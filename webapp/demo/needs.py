"""Structured needs of some demo challenges: technical indicators, acceptance criteria, TRL sought, IP arrangement.

Written from each topic's own description (its current state and its target), so the indicators say what the
text says; the other demo challenges state none, as many real first drafts do (需求诊断 then asks for them).
"""

from __future__ import annotations

from models.challenges import IpArrangement


def _i(name: str, target: str, unit: str = "", method: str = "", confidential: bool = False) -> dict:
    return {"name": name, "target": target, "unit": unit, "method": method, "confidential": confidential}


NEEDS: dict[str, dict] = {
    "工业机器人RV减速器摆线轮磨削精度提升": {
        "indicators": [_i("摆线轮齿形误差", "≤ 3", "μm", "齿轮测量中心按 GB/T 10095 抽检，批量 200 件"),
                       _i("批量一致性（齿形误差标准差）", "≤ 0.6", "μm", "连续生产 3 批次统计"),
                       _i("产线良率", "≥ 95%", "", "改造后连续 30 天统计", confidential=True)],
        "acceptance_criteria": "在现有进口成形磨齿机上完成改造，不更换主机；第三方计量机构出具齿形误差检测报告，"
                               "连续生产 30 天良率达标后验收。",
        "trl": 6, "ip_arrangement": IpArrangement.LICENCE},
    "离散制造车间多品种小批量排产优化": {
        "indicators": [_i("设备综合利用率", "≥ 70%", "", "MES 采集 3 个月数据"),
                       _i("插单重排时间", "≤ 5", "分钟", "86 台机床、千道工序规模实测")],
        "acceptance_criteria": "与自研 MES（达梦数据库）完成接口对接，试运行 3 个月，准时交付率与利用率达到指标。",
        "trl": 7, "ip_arrangement": IpArrangement.JOINT},
    "数控机床主轴热误差建模与实时补偿": {
        "indicators": [_i("主轴热漂移（Z 向）", "≤ 5", "μm", "连续运行 8 小时，激光干涉仪测量")],
        "acceptance_criteria": "补偿模块集成到数控系统，出具 8 小时热变形对比测试报告。",
        "trl": 5, "ip_arrangement": IpArrangement.NEGOTIABLE},
    "耐高温聚酰亚胺薄膜国产化": {
        "indicators": [_i("玻璃化转变温度", "≥ 360", "℃", "DMA 法"),
                       _i("拉伸强度", "≥ 200", "MPa", "GB/T 13022"),
                       _i("幅宽", "≥ 1000", "mm", "中试线连续生产")],
        "acceptance_criteria": "中试线产品经第三方检测全部指标达标，并通过下游客户认证。",
        "trl": 5, "ip_arrangement": IpArrangement.ASSIGNMENT},
    "磷酸铁锂电池低温快充性能提升": {
        "indicators": [_i("-20℃ 容量保持率", "≥ 85%", "", "0.5C 放电，GB/T 31486"),
                       _i("-10℃ 充电倍率", "≥ 2C", "", "无析锂，拆解检测"),
                       _i("循环寿命", "≥ 3000", "次", "25℃ 1C/1C，容量保持 80%")],
        "acceptance_criteria": "电芯样品经国家认可实验室检测达标，模组装车冬季路试一个月。",
        "trl": 4, "ip_arrangement": IpArrangement.JOINT},
    "氢燃料电池膜电极低铂化": {
        "indicators": [_i("铂载量", "≤ 0.2", "mg/cm²", "ICP-OES"),
                       _i("额定功率密度", "≥ 1.0", "W/cm²", "单池测试，0.65 V"),
                       _i("耐久性衰减", "≤ 10%", "", "3 万次动态工况循环")],
        "acceptance_criteria": "提供 10 片膜电极样品，单池与短堆测试均达到指标，出具第三方报告。",
        "trl": 4, "ip_arrangement": IpArrangement.LICENCE},
    "风电机组叶片覆冰监测与除冰": {
        "indicators": [_i("覆冰识别准确率", "≥ 95%", "", "一个冬季现场数据"),
                       _i("除冰后发电量损失", "≤ 3%", "", "与无覆冰同期对比")],
        "acceptance_criteria": "在 2 台机组上完成一个冬季的现场运行，覆冰识别与除冰效果经业主确认。",
        "trl": 6, "ip_arrangement": IpArrangement.NEGOTIABLE},
    "GaN射频器件散热封装": {
        "indicators": [_i("热沉热导率", "≥ 400", "W/m·K", "激光闪射法"),
                       _i("结温（满功率）", "≤ 175", "℃", "红外热像与电学法对比")],
        "acceptance_criteria": "封装样品通过温度循环 1000 次可靠性试验，热阻达到指标。",
        "trl": 5, "ip_arrangement": IpArrangement.JOINT},
}
