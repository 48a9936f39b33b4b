"""A person loads their own CSV in Chromium: upload, check, load, see it in the list, delete it again.

The server runs on the session's copy of the demo warehouse that other browser tests read, so the
dataset gets a unique name and is deleted (through the page) at the end.
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import OUTPUT, wait_idle

pytestmark = pytest.mark.e2e

CSV = (
    "订单编号,下单时间,客户编号,销售渠道,销售区域,实收金额,成本\n"
    "A1,2020-01-05,C1,天猫,华东,100,60\nA2,2020-01-06,C2,京东,华南,200,120\nA3,2018-02-29,C2,京东,华南,50,20\n"
)


def _click(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    wait_idle(page)


def test_upload_check_load_and_delete(server, page):
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    page.goto(server + "/data?lang=en", wait_until="domcontentloaded")
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": "orders.csv", "mimeType": "text/csv", "buffer": CSV.encode("gbk")}
    )
    page.wait_for_function("() => document.body.innerText.includes('Column mapping')", timeout=60_000)
    wait_idle(page)
    _click(page, "Check the file")
    page.wait_for_function("() => document.body.innerText.includes('Rejected rows')", timeout=60_000)
    wait_idle(page)
    metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert [m.split("\n")[-1] for m in metrics] == [
        "3",
        "2",
        "1",
        "2",
        "2",
    ]  # read, accepted, rejected, orders, customers
    page.screenshot(path=str(OUTPUT / "data_report_en.png"), full_page=True)

    field = page.get_by_label("Dataset name")
    field.fill(name)
    field.press("Enter")
    wait_idle(page)
    _click(page, "Load")
    page.wait_for_function(f"() => document.body.innerText.includes('Loaded dataset {name}')", timeout=60_000)
    _click(page, "Show this dataset in the sidebar")
    page.wait_for_function(
        "() => !document.body.innerText.includes('Show this dataset in the sidebar')", timeout=30_000
    )
    assert f"dataset={name}" in page.url
    assert "2020-01-05 to 2020-01-06" in page.locator('[data-testid="stSidebar"]').inner_text()  # its dates now
    page.screenshot(path=str(OUTPUT / "data_loaded_en.png"), full_page=True)

    page.goto(server + "/datasets?lang=en", wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    page.get_by_label("Dataset to delete").click()
    page.get_by_role("option", name=name).click()
    wait_idle(page)
    confirm = page.get_by_label("Type the dataset's name to confirm")
    confirm.fill(name)
    confirm.press("Enter")
    wait_idle(page)
    _click(page, "Delete permanently")
    page.wait_for_function(f"() => document.body.innerText.includes('Deleted dataset {name}')", timeout=30_000)
    page.screenshot(path=str(OUTPUT / "datasets_deleted_en.png"), full_page=True)
