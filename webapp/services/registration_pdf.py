"""The registration record as a PDF for signature (技术合同认定登记表), drawn with fpdf2 in Noto Sans CJK SC.

The font ships inside the `noto-cjk-sans-otc` package (OFL-1.1), so nothing is downloaded; fpdf2 embeds the
subset of glyphs the document uses, so the PDF reads the same on any machine (a few tens of KB).
"""

from __future__ import annotations

import functools
from importlib import resources

from fontTools.ttLib import TTCollection
from fpdf import FPDF

from models.challenges import Challenge
from models.common import FIELD_LABELS, REGION_LABELS
from models.contracts import Contract
from models.registration import Registration
from webapp.i18n import CONTRACT_LABELS, CONTRACT_TYPE_LABELS

FONT_FAMILY = "Noto Sans CJK SC"
STATUS_LABELS = {"draft": "草稿（未确认）", "confirmed": "已由委托方确认"}


@functools.cache
def font() -> tuple[str, int]:
    """The font collection's path and the index of its Simplified Chinese face (looked up once)."""
    path = str(resources.files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc")
    names = [face["name"].getDebugName(1) for face in TTCollection(path, lazy=True).fonts]
    return path, names.index(FONT_FAMILY)


def render(record: Registration, contract: Contract, challenge: Challenge) -> bytes:
    """The record as a one-page A4 form: parties, amounts, dates, field, and lines for signatures."""
    path, index = font()
    pdf = FPDF(format="A4")
    pdf.set_title(f"技术合同认定登记表 {challenge.title}")
    pdf.set_creator("Jiebang 揭榜")
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.cell(0, 12, "技术合同认定登记表", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 7, f"登记状态：{STATUS_LABELS[record.status.value]}　合同编号：JB-{contract.id:06d}", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in _rows(record, contract, challenge):
        _row(pdf, label, value)
    pdf.ln(10)
    pdf.set_font("cjk", size=11)
    for party in ("委托方（盖章）", "受托方（盖章）", "登记机构审核意见"):
        pdf.cell(0, 12, f"{party}：______________________________　日期：__________", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _rows(record: Registration, contract: Contract, challenge: Challenge) -> list[tuple[str, str]]:
    return [
        ("项目名称", challenge.title),
        ("合同类型", CONTRACT_TYPE_LABELS[record.contract_type.value][0]),
        ("委托方（买方）", record.buyer_name),
        ("委托方统一社会信用代码", record.buyer_credit_code),
        ("受托方（卖方）", record.seller_name),
        ("受托方统一社会信用代码", record.seller_credit_code),
        ("合同成交额（元）", f"{record.total_amount:,}"),
        ("其中技术交易额（元）", f"{record.technology_income:,}"),
        ("签订日期", record.signed_on.isoformat()),
        ("履行期限", f"{record.start_date.isoformat()} 至 {record.end_date.isoformat()}"),
        ("技术领域", FIELD_LABELS[record.field.value][0]),
        ("所在地区", REGION_LABELS[record.region.value][0]),
        ("合同状态", f"{CONTRACT_LABELS[contract.status.value][0]}；合同价款 {contract.price:,} 元"),
    ]


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("cjk", size=11)
    top = pdf.get_y()
    pdf.multi_cell(55, 9, label, border=1, new_x="RIGHT", new_y="TOP")
    pdf.multi_cell(0, 9, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + 9))
