"""Realistic small corpora for engine tests."""

from __future__ import annotations

import pytest

from matching import Candidate, Document

SENTENCES = [
    "锂离子电池低温电解液与石墨负极界面改性", "磷酸铁锂正极材料的碳包覆与倍率性能",
    "钢板表面缺陷的深度学习实时检测", "基于Transformer的工业图像缺陷分割",
    "碳化硅MOSFET栅氧界面态与阈值电压漂移", "GaN HEMT射频功放的金刚石热沉散热",
    "数控机床主轴热误差建模与实时补偿", "柔性作业车间调度的混合遗传算法",
    "CHO细胞补料分批培养的乳酸代谢调控", "结直肠癌cfDNA甲基化标志物筛选",
    "风电叶片覆冰识别与电热除冰", "光伏组件热斑的无人机红外巡检",
    "中药配方颗粒特征图谱与含量测定", "黄芩规范化栽培与黄芩苷含量",
    "Ti-6Al-4V钛合金激光增材制造的残余应力", "CRISPR-Cas9介导的酵母基因组编辑",
    "港口集卡自动驾驶的激光雷达定位", "城市公交线网优化与刷卡数据OD推断",
    "Oracle到国产数据库的PL/SQL自动转换", "麒麟操作系统上的工业软件兼容适配",
]


def make_candidates(n: int = 20) -> list[Candidate]:
    """One candidate per sentence, some with documents, regions and organisations."""
    out = []
    for i, text in enumerate(SENTENCES[:n]):
        paper = Document(SENTENCES[(i + 7) % len(SENTENCES)], "相关工程应用研究", f"{2015 + i % 10}")
        docs = (paper,) if i % 3 == 0 else ()
        out.append(Candidate(id=f"c{i:02d}", kind=("solver", "manager", "commissioner")[i % 3], text=text,
                             keywords=(text[:5],), documents=docs,
                             region=("tianjin", "beijing", "hebei")[i % 3], org=f"org{i % 5}"))
    return out


@pytest.fixture(scope="module")
def candidates() -> list[Candidate]:
    """Twenty realistic candidates."""
    return make_candidates()


def make_many(n: int = 250) -> list[Candidate]:
    """Enough candidates (pairs of sentences) for the engine to learn its semantic model."""
    pairs = [(a, b) for a in SENTENCES for b in SENTENCES if a != b]
    return [Candidate(id=f"m{i:03d}", text=f"{a}，{b}", keywords=(a[:5],), region=("tianjin", "hebei")[i % 2])
            for i, (a, b) in enumerate(pairs[:n])]
