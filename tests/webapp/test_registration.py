"""技术合同认定登记: the enterprise completes and confirms the record of a confirmed or completed contract; the
PDF for signature draws Chinese text with an embedded font (rasterised here to see that it does)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from models.validation import with_check_character
from tests.webapp.test_contracts import accepted_bid, propose

BUYER, SELLER = with_check_character("91120116MA05JB001"), with_check_character("12100000401359001")


def record(**overrides) -> dict:
    """A registration record as the API takes it."""
    return {"contract_type": "development", "buyer_name": "津门精密机械有限公司", "buyer_credit_code": BUYER,
            "seller_name": "天津大学", "seller_credit_code": SELLER, "total_amount": 600000,
            "technology_income": 550000, "signed_on": "2026-11-20", "start_date": "2026-11-20",
            "end_date": "2027-05-20", "field": "smart_manufacturing", "region": "tianjin", **overrides}


@pytest.fixture
def contract(world) -> int:
    """A confirmed contract."""
    _cid, bid = accepted_bid(world)
    contract = propose(world, bid).json
    assert world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1}).status_code == 200
    return contract["id"]


def test_the_enterprise_drafts_edits_and_confirms_the_record(world, contract):
    """A draft can be edited; confirming makes it final (edits then 409) and tells the solver and government."""
    path = f"/contracts/{contract}/registration"
    assert world.api("owner", "GET", path).status_code == 404
    assert world.api("owner", "PUT", path, record()).json["status"] == "draft"
    edited = world.api("owner", "PUT", path, record(contract_type="service", technology_income=500000)).json
    assert edited["contract_type"] == "service" and edited["technology_income"] == 500000
    assert world.api("owner", "POST", f"{path}/confirm").json["status"] == "confirmed"
    assert world.api("owner", "POST", f"{path}/confirm").status_code == 409
    assert world.api("owner", "PUT", path, record()).status_code == 409
    assert world.api("solver", "GET", path).json["buyer_credit_code"] == BUYER
    assert world.api("government", "GET", "/notifications").json["items"][0]["kind"] == "registration.confirmed"


@pytest.mark.parametrize("overrides, field", [
    ({"buyer_credit_code": "91120116MA05JB0010"}, "buyer_credit_code"),  # wrong check character
    ({"technology_income": 700000}, "technology_income"),
    ({"end_date": "2026-01-01"}, "end_date"),
    ({"contract_type": "sale"}, "contract_type"),
])
def test_a_bad_record_names_the_field(world, contract, overrides, field):
    """A credit code failing its checksum, technology income above the total, an end before the start, an
    unknown contract type: 422 on that field, nothing stored."""
    response = world.api("owner", "PUT", f"/contracts/{contract}/registration", record(**overrides))
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    assert world.api("owner", "GET", f"/contracts/{contract}/registration").status_code == 404


def test_only_the_enterprise_writes_and_only_after_confirmation(world):
    """A proposed contract is not registered yet; the solver and government cannot write the record."""
    _cid, bid = accepted_bid(world)
    contract = propose(world, bid).json["id"]
    path = f"/contracts/{contract}/registration"
    assert world.api("owner", "PUT", path, record()).status_code == 409
    world.api("solver", "POST", f"/contracts/{contract}/confirm", {"revision": 1})
    assert world.api("solver", "PUT", path, record()).status_code == 403
    assert world.api("government", "PUT", path, record()).status_code == 403
    assert world.api("other_enterprise", "GET", path).status_code == 404


def test_the_pdf_draws_the_chinese_text(world, contract):
    """The PDF embeds its font and, rasterised, shows ink where the title is; its text layer reads back the
    Chinese labels and the parties' names."""
    path = f"/contracts/{contract}/registration"
    world.api("owner", "PUT", path, record())
    response = world.api("solver", "GET", f"{path}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert b"/FontFile2" in response.data or b"/FontFile3" in response.data  # embedded, not referenced
    document = pdfium.PdfDocument(response.data)
    page = document[0]
    text = page.get_textpage().get_text_range()
    assert "技术合同认定登记表" in text and "津门精密机械有限公司" in text and "技术开发" in text
    image = page.render(scale=1).to_pil().convert("L")
    width, _height = image.size
    title = image.crop((width // 4, 20, 3 * width // 4, 80))
    assert sum(title.histogram()[:128]) > 200  # dark pixels: the glyphs were drawn
    assert world.api("other_solver", "GET", f"{path}.pdf").status_code == 404


def test_the_pages_prefill_save_confirm_and_download(world, contract):
    """The form starts from the contract (price, dates, the enterprise's name); a bad code is marked with what
    was typed kept; saved and confirmed, the record shows read-only with its PDF."""
    owner = world.login("owner")
    page = owner.get(f"/contracts/{contract}/registration").get_data(as_text=True)
    assert 'value="600000"' in page and 'value="津门精密机械有限公司"' in page
    bad = owner.post(f"/contracts/{contract}/registration", data=record(buyer_credit_code="123"))
    assert bad.status_code == 422 and 'id="buyer_credit_code-error"' in bad.get_data(as_text=True)
    assert 'value="天津大学"' in bad.get_data(as_text=True)
    assert owner.post(f"/contracts/{contract}/registration", data=record()).status_code == 302
    assert owner.post(f"/contracts/{contract}/registration/confirm").status_code == 302
    shown = world.login("solver").get(f"/contracts/{contract}/registration").get_data(as_text=True)
    assert 'data-testid="registration-status">已确认' in shown and BUYER in shown
    pdf = world.login("government").get(f"/contracts/{contract}/registration.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_government_counts_and_exports_confirmed_registrations(world, contract):
    """Only a confirmed record counts: the dashboard's figure by field and the `registrations` export."""
    import csv
    import io
    import json
    path = f"/contracts/{contract}/registration"
    world.api("owner", "PUT", path, record())
    gov = world.login("government")
    assert len(list(csv.reader(io.StringIO(gov.get("/government/dashboard/registrations.csv").get_data(
        as_text=True))))) == 1  # the header only: a draft does not count
    world.api("owner", "POST", f"{path}/confirm")
    rows = list(csv.reader(io.StringIO(gov.get("/government/dashboard/registrations.csv").get_data(as_text=True))))
    assert rows[1][1:] == ["1", "600000", "550000"]
    exported = json.loads(world.api("government", "GET", "/exports/registrations?format=json").data)
    assert exported[0]["buyer_credit_code"] == BUYER and exported[0]["technology_income"] == 550000
