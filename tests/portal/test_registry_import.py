"""The household ledger page: a chosen CSV is checked by a dry run that marks its bad rows and cells (an XLSX's
problems are listed by line), only a clean file can be imported, a retry after a lost answer imports once, the
export downloads the caller's ledger, and each role is offered only what the registry's policy grants it."""

from __future__ import annotations

import csv
import io
import random
import secrets
from datetime import date
from typing import Any

from playwright.sync_api import Browser, FilePayload, Page, Route, expect

from services.kit import demo
from services.kit.tabular import FileFormat, read_table, write_table
from services.registry import ledger
from services.registry.domain import id_check_character
from tests.portal.api import demo_token, graphql
from tests.portal.browser import check_page, screenshot, sign_in, watched_page
from tests.portal.platform import Platform

HEADER = ("户编号", "所属网格", "住址", "户类别", "重点标签", "姓名", "与户主关系", "身份证号", "性别", "出生日期",
          "联系电话", "人口类型")
# Grids the tests import into, away from the grid the other tests' grid worker works in.
COMMUNITY_GRID = f"{demo.COMMUNITY_CODE}002"
STREET_GRID = f"{demo.STREET_CODE}002001"
RETRY_LABEL = "重试导入（同一次提交，不会重复）"
HOUSEHOLDS_NAMED = """query($name: String!) { households(filter: {name: $name}, first: 100) { nodes { number } } }"""


def national_id(born: date, male: bool, rng: random.Random) -> str:
    """A valid national ID of the district (not the demo residents' made-up province 99)."""
    first17 = f"{demo.DISTRICT_CODE}{born:%Y%m%d}{rng.randrange(100):02d}{rng.choice('13579' if male else '02468')}"
    return first17 + id_check_character(first17)


def ledger_rows(token: str, grid: str, households: int) -> list[list[str]]:
    """``households`` two-person households whose heads' names hold ``token``; numbers and IDs fresh per token."""
    rng = random.Random(token)
    rows = []
    for n in range(1, households + 1):
        number = f"T{token}-{n}"
        address = f"测试路{n}号"
        head_born, spouse_born = date(1960 + n, 3, 14), date(1962 + n, 7, 9)
        rows.append([number, grid, address, "放心户", "", f"户主{token}{n}", "户主",
                     national_id(head_born, True, rng), "男", head_born.isoformat(), "", "户籍"])
        rows.append([number, grid, address, "放心户", "", f"配偶{n}", "配偶",
                     national_id(spouse_born, False, rng), "女", spouse_born.isoformat(), "", "户籍"])
    return rows


def ledger_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def ledger_xlsx(rows: list[list[str]]) -> bytes:
    names = [column.name for column in ledger.COLUMNS if column.header in HEADER]
    assert len(names) == len(HEADER)
    return write_table([dict(zip(names, row, strict=True)) for row in rows], FileFormat.XLSX, ledger.COLUMNS)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def choose(page: Page, name: str, content: bytes) -> None:
    kind = XLSX if name.endswith(".xlsx") else "text/csv"
    payload: FilePayload = {"name": name, "mimeType": kind, "buffer": content}
    page.get_by_test_id("ledger-file").set_input_files(files=[payload])


def imported(platform: Platform, token: str) -> int:
    """How many households whose head's name holds ``token`` the registry holds, as the district sees it."""
    data = graphql(platform.url, "demo-district-admin", HOUSEHOLDS_NAMED, name=token)
    return len(data["households"]["nodes"])


def is_commit(route: Route) -> dict[str, Any] | None:
    """The variables of an importHouseholds request that commits (not a dry run), else None."""
    body = route.request.post_data_json if route.request.method == "POST" else None
    if not isinstance(body, dict) or "importHouseholds" not in str(body.get("query", "")):
        return None
    variables: dict[str, Any] = body.get("variables") or {}
    return None if variables.get("input", {}).get("dryRun", True) else variables


def test_a_bad_row_is_marked_and_only_the_corrected_file_is_imported(platform: Platform, browser: Browser) -> None:
    token = secrets.token_hex(4)
    rows = ledger_rows(token, COMMUNITY_GRID, 2)
    good_id = rows[1][7]
    rows[1][7] = good_id[:17] + ("0" if good_id[17] != "0" else "1")  # line 3: the spouse's check character
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/registry/ledger")
        expect(page.get_by_role("heading", name="导入住户台账")).to_be_visible()
        expect(page.get_by_test_id("ledger-commit")).to_have_count(0)
        choose(page, "住户台账.csv", ledger_csv(rows))

        dry_run = page.get_by_test_id("ledger-dry-run")
        expect(dry_run).to_contain_text("检查发现 1 个问题，涉及 1 行，未保存任何内容")
        file_rows = page.get_by_test_id("ledger-file-row")
        expect(file_rows).to_have_count(4)
        bad = page.locator("tr[data-testid='ledger-file-row'][data-line='3'][data-invalid='true']")
        expect(bad).to_have_count(1)
        expect(bad.locator("td[data-field='id_number'][data-invalid='true']")).to_contain_text(rows[1][7])
        expect(bad.get_by_test_id("ledger-reason")).to_have_text(
            f"✖ 有误：check character is {rows[1][7][17]}, expected {good_id[17]}")
        expect(page.locator("tr[data-testid='ledger-file-row'][data-invalid='true']")).to_have_count(1)
        expect(page.locator("td[data-invalid='true']")).to_have_count(1)
        expect(page.get_by_test_id("ledger-bad-rows").locator(".kpi-value")).to_have_text("1")
        expect(page.get_by_test_id("ledger-rows").locator(".kpi-value")).to_have_text("4")
        expect(page.get_by_test_id("ledger-commit")).to_have_count(0)
        check_page(page, "registry-ledger-bad-row")
        assert imported(platform, token) == 0

        rows[1][7] = good_id
        choose(page, "住户台账-改正.csv", ledger_csv(rows))
        expect(dry_run).to_contain_text("检查通过：可导入 2 户、4 人")
        expect(page.locator("tr[data-testid='ledger-file-row'][data-invalid='true']")).to_have_count(0)
        expect(page.get_by_test_id("ledger-bad-rows").locator(".kpi-value")).to_have_text("0")
        commit = page.get_by_test_id("ledger-commit")
        expect(commit).to_have_text("确认导入")
        check_page(page, "registry-ledger-clean")
        assert imported(platform, token) == 0, "a dry run stored households"

        commit.click()
        expect(page.get_by_test_id("ledger-committed")).to_contain_text("已导入 2 户、4 人")
        assert imported(platform, token) == 2
        check_page(page, "registry-ledger-committed")

        page.get_by_role("link", name="查看住户").click()
        expect(page).to_have_url(f"{platform.url}/registry/households")
        page.get_by_label("户主或成员姓名").fill(token)
        page.get_by_role("button", name="查询").click()
        households = page.get_by_test_id("household-row")
        expect(households).to_have_count(2)
        assert set(households.evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)")) == {COMMUNITY_GRID}


def test_an_xlsx_ledger_lists_its_problems_by_line(platform: Platform, browser: Browser) -> None:
    """The portal does not read an XLSX itself: the dry run's problems are listed by line and column."""
    token = secrets.token_hex(4)
    rows = ledger_rows(token, COMMUNITY_GRID, 2)
    rows[2][9] = "1990-02-30"  # line 4: the second head's birth date is no date
    rows[3][6] = "户主"  # line 5: the second household's second head
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/registry/ledger")
        choose(page, "住户台账.xlsx", ledger_xlsx(rows))
        expect(page.get_by_test_id("ledger-dry-run")).to_contain_text("涉及 2 行，未保存任何内容")
        expect(page.get_by_test_id("ledger-file-row")).to_have_count(0)
        problems = page.get_by_test_id("ledger-error")
        expect(problems).to_have_count(2)
        expect(page.locator("[data-testid='ledger-error'][data-line='4'][data-field='birth_date']")).to_contain_text(
            "出生日期✖ is not a real date (YYYY-MM-DD): '1990-02-30'")
        expect(page.locator("[data-testid='ledger-error'][data-line='5'][data-field='relationship']")).to_contain_text(
            "has its head on line 4")
        expect(page.get_by_test_id("ledger-bad-rows").locator(".kpi-value")).to_have_text("2")
        expect(page.get_by_test_id("ledger-commit")).to_have_count(0)
        check_page(page, "registry-ledger-xlsx-problems")

        fixed = ledger_rows(token, COMMUNITY_GRID, 2)
        choose(page, "住户台账.xlsx", ledger_xlsx(fixed))
        expect(page.get_by_test_id("ledger-dry-run")).to_contain_text("检查通过：可导入 2 户、4 人")
        expect(problems).to_have_count(0)
        page.get_by_test_id("ledger-commit").click()
        expect(page.get_by_test_id("ledger-committed")).to_contain_text("已导入 2 户、4 人")
        assert imported(platform, token) == 2


def test_a_commit_whose_answer_is_lost_is_retried_and_imported_once(platform: Platform, browser: Browser) -> None:
    token = secrets.token_hex(4)
    commits: list[dict[str, Any]] = []
    first_answer: list[dict[str, Any]] = []

    def lose_the_first_answer(route: Route) -> None:
        variables = is_commit(route)
        if variables is None:
            route.continue_()
            return
        commits.append(variables)
        if len(commits) == 1:
            # The registry imports the file; the answer never reaches the page.
            first_answer.append(route.fetch().json())
            route.abort("connectionreset")
        else:
            route.continue_()

    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-street-staff", "/registry/ledger")
        page.route("**/graphql", lose_the_first_answer)
        choose(page, "万寿路街道台账.csv", ledger_csv(ledger_rows(token, STREET_GRID, 3)))
        expect(page.get_by_test_id("ledger-dry-run")).to_contain_text("检查通过：可导入 3 户、6 人")
        page.get_by_test_id("ledger-commit").click()

        failure = page.get_by_test_id("request-failure")
        expect(failure).to_contain_text("导入未确认完成，可以重试，同一次提交不会重复导入。")
        assert first_answer and first_answer[0]["data"]["importHouseholds"]["households"] == 3, first_answer
        assert imported(platform, token) == 3, "the first send did not reach the registry"
        retry = page.get_by_role("button", name=RETRY_LABEL)
        expect(retry).to_be_visible()
        expect(page.get_by_test_id("ledger-committed")).to_have_count(0)
        check_page(page, "registry-ledger-retry")

        retry.click()
        expect(page.get_by_test_id("ledger-committed")).to_contain_text("已导入 3 户、6 人")
        expect(failure).to_have_count(0)
        assert len(commits) == 2, commits
        keys = [variables.get("key") for variables in commits]
        assert keys[0] and keys[0] == keys[1], keys
        assert imported(platform, token) == 3, "the retry imported the file again"

        # The one error the lost answer logs (the aborted request); anything else still fails the test.
        lost = [m for m in watched.console_errors if "net::ERR_CONNECTION_RESET" in m]
        assert len(lost) == 1, watched.console_errors
        watched.console_errors.remove(lost[0])


def test_the_ledger_is_exported_as_xlsx_by_default_and_as_csv(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url, accept_downloads=True) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/registry/ledger")
        export = page.get_by_role("form", name="导出住户台账")
        expect(export.get_by_label("文件格式")).to_have_value("XLSX")
        with page.expect_download() as downloading:
            export.get_by_role("button", name="导出").click()
        xlsx = downloading.value
        assert xlsx.suggested_filename == "households-all.xlsx"
        content = xlsx.path().read_bytes()
        assert content[:2] == b"PK", content[:20]
        exported = read_table(content, FileFormat.XLSX, ledger.COLUMNS, ledger.REQUIRED)
        codes = {row.values["jurisdiction_code"] for row in exported}
        assert exported and all(code.startswith(demo.COMMUNITY_CODE) for code in codes), sorted(codes)[:3]
        expect(export).to_contain_text("已导出 households-all.xlsx")

        grid = demo.GRID_CODE
        export.get_by_label("辖区编码前缀").fill(grid)
        export.get_by_label("文件格式").select_option("CSV")
        with page.expect_download() as downloading:
            export.get_by_role("button", name="导出").click()
        exported_csv = downloading.value
        assert exported_csv.suggested_filename == f"households-{grid}.csv"
        header, rows = read_csv(exported_csv.path().read_bytes())
        assert header[:3] == ["户编号", "所属网格", "住址"] and "身份证号" in header, header
        assert rows and all(row[1] == grid for row in rows), rows[:3]
        ids = [row[header.index("身份证号")] for row in rows]
        assert all(len(value) == 18 and "*" not in value for value in ids), ids[:3]
        expect(export).to_contain_text(f"已导出 households-{grid}.csv")
        check_page(page, "registry-ledger-exported")


def test_the_grid_worker_exports_its_grid_masked_and_imports_nothing(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url, accept_downloads=True) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker", "/registry/ledger")
        expect(page.get_by_role("heading", name="导出住户台账")).to_be_visible()
        expect(page.get_by_role("heading", name="导入住户台账")).to_have_count(0)
        expect(page.get_by_test_id("ledger-file")).to_have_count(0)
        export = page.get_by_role("form", name="导出住户台账")
        export.get_by_label("文件格式").select_option("CSV")
        with page.expect_download() as downloading:
            export.get_by_role("button", name="导出").click()
        exported_csv = downloading.value
        assert exported_csv.suggested_filename == "households-all.csv"
        header, rows = read_csv(exported_csv.path().read_bytes())
        assert rows and all(row[1] == demo.GRID_CODE for row in rows), rows[:3]
        assert all("*" in row[header.index("身份证号")] for row in rows), rows[:3]
        check_page(page, "registry-ledger-grid-worker")


def read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    assert content, "the download is empty"
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return header, rows


def test_each_role_is_offered_what_the_policy_grants_it(platform: Platform, browser: Browser) -> None:
    offered = {"demo-district-admin": (True, True), "demo-street-staff": (True, True),
               "demo-community-staff": (True, True), "demo-grid-worker": (False, True),
               "demo-auditor": (False, False), "demo-handling-unit": (False, False)}
    for subject, (imports, exports) in offered.items():
        with watched_page(browser, platform.url) as watched:
            page = watched.page
            sign_in(page, subject, "/registry/ledger")
            expect(page.get_by_role("heading", name="住户台账", exact=True)).to_be_visible()
            expect(page.get_by_test_id("ledger-file")).to_have_count(1 if imports else 0)
            expect(page.get_by_role("heading", name="导入住户台账")).to_have_count(1 if imports else 0)
            expect(page.get_by_role("form", name="导出住户台账")).to_have_count(1 if exports else 0)
            expect(page.get_by_text("您的角色不能导入或导出住户台账。")).to_have_count(0 if imports or exports else 1)
            if not imports and not exports:
                check_page(page, f"registry-ledger-not-offered-{subject}")


def test_a_refused_import_shows_the_policys_reason(platform: Platform, browser: Browser) -> None:
    """The portal only hides what a role cannot do; the gateway decides. A request the gateway refuses (here the
    community staff's dry run sent with the auditor's token, as after the role was withdrawn) shows its reason."""
    auditor = demo_token(platform.url, "demo-auditor")

    def as_the_auditor(route: Route) -> None:
        if "importHouseholds" in (route.request.post_data or ""):
            route.continue_(headers={**route.request.headers, "authorization": f"Bearer {auditor}"})
        else:
            route.continue_()

    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/registry/ledger")
        page.route("**/graphql", as_the_auditor)
        choose(page, "住户台账.csv", ledger_csv(ledger_rows(secrets.token_hex(4), COMMUNITY_GRID, 1)))
        refusal = page.get_by_test_id("refusal")
        expect(refusal).to_contain_text("您无权进行此操作。原因：import on households is for community staff, "
                                        "district admin, street staff; your roles: auditor")
        expect(page.get_by_test_id("ledger-dry-run")).to_have_count(0)
        expect(page.get_by_test_id("ledger-commit")).to_have_count(0)
        screenshot(page, "registry-ledger-refused")
