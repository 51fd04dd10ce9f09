"""Importing items from CSV and RIS: a dry run with a report, then one confirmed import of the
valid, new rows as drafts; unreadable files refused with a message and nothing stored."""

from __future__ import annotations

import html
import io
import threading

import pytest
import rispy
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.evidence.models import EvidenceItem, EvidenceItemTerm, EvidenceTerm, ImportBatch
from cpweek.evidence.services import importing
from cpweek.extensions import db
from cpweek.uow import unit_of_work
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item
from tests.factories import make_user

HEADER = "title,summary,authors,publisher,year,date,doi,url,type,topics,dimensions,focus\n"


def text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def items() -> list[EvidenceItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)))


def batches() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportBatch))


@pytest.fixture
def organiser(browser):
    person = make_user(email="organiser@example.org", roles=(Role.ORGANISER,))
    browser.sign_in(person.email)
    return person


@pytest.fixture
def hub():
    return make_collection(slug="hub")


def upload(browser, data: bytes, filename: str = "items.csv", slug: str = "hub"):
    url = f"/manage/evidence/{slug}/import"
    return browser.submit(
        url,
        {"file": (io.BytesIO(data), filename)},
        form_url=url,
        content_type="multipart/form-data",
    )


def confirm(browser, batch_id: int, slug: str = "hub"):
    return browser.submit(
        f"/manage/evidence/{slug}/import/{batch_id}/confirm",
        {},
        form_url=f"/manage/evidence/{slug}/import/{batch_id}",
        follow_redirects=True,
    )


def checked(browser, data: bytes, filename: str = "items.csv"):
    """Upload, follow to the report; the batch and the report page."""
    response = upload(browser, data, filename)
    assert response.status_code == 302, text(response)[:3000]
    batch_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return db.session.get(ImportBatch, batch_id), text(browser.get(response.headers["Location"]))


GOOD = (
    HEADER + "Carers from minoritised ethnic groups and breaks,What helps carers get a break,"
    '"Ali, S.; Brown, J.",Example Research Centre,2023,,10.1234/ABC.1,https://example.org/a,'
    "research,unpaid-carers,Ethnicity; rurality,access\n"
    "Charging and deprivation,,,,,2024-03-15,,,Data,Funding and charging,deprivation,\n"
    "Digital access at home,Tablets and support,,,2022,,,http://example.org/c,,digital,,\n"
).encode()


def test_a_csv_is_checked_first_then_imported_once_as_drafts(browser, organiser, hub):
    batch, page = checked(browser, GOOD)
    assert batch.status == "checked" and batch.format == "csv" and batch.data == GOOD
    assert "3 rows: 3 are ready to import" in page and "Import 3 items" in page
    assert "Charging and deprivation" in page and problems(page) == []
    assert items() == []  # the dry run writes no item

    done = text(confirm(browser, batch.id))
    assert "3 items imported as drafts" in done
    imported = items()
    assert [i.title for i in imported] == [
        "Carers from minoritised ethnic groups and breaks",
        "Charging and deprivation",
        "Digital access at home",
    ]
    first, second, _ = imported
    assert {i.status for i in imported} == {"draft"} and {i.source for i in imported} == {"import"}
    assert {i.created_by_id for i in imported} == {organiser.id}
    assert first.authors == "Ali, S.\nBrown, J." and first.doi == "10.1234/abc.1"
    assert first.published_year == 2023 and first.url == "https://example.org/a"
    assert second.published_year == 2024 and str(second.published_on) == "2024-03-15"
    terms = db.session.execute(
        select(EvidenceTerm.vocabulary, EvidenceTerm.slug)
        .join(EvidenceItemTerm, EvidenceItemTerm.term_id == EvidenceTerm.id)
        .where(EvidenceItemTerm.item_id == first.id)
    ).all()
    assert sorted(terms) == [
        ("dimension", "ethnicity"),
        ("dimension", "rurality"),
        ("focus", "access"),
        ("topic", "unpaid-carers"),
        ("type", "research"),
    ]
    audit = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("evidence%"))))
    assert [(a.action, a.after["count"]) for a in audit] == [("evidence.imported", 3)]
    db.session.refresh(batch)
    assert batch.status == "imported" and batch.imported_at is not None

    again = text(confirm(browser, batch.id))
    assert "already imported: nothing was added again" in again
    assert "Import 3 items" not in again and "This file cannot be imported again" in again
    assert len(items()) == 3
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_each_problem_is_reported_with_its_row_field_and_message(browser, organiser, hub):
    data = (
        HEADER
        + ",A summary without a title,,,2020,,,,,,,\n"
        + "Year typo,,,,20250,,,,,,,\n"
        + "Not a DOI,,,,2020,,doi:banana,,,,,\n"
        + "Unknown values,,,,2020,,,,podcast,Gardening,ethnicity; Star sign,\n"
        + "Script link,,,,2020,,,javascript:alert(1),,,,\n"
        + "FTP link,,,,2020,,,ftp://example.org/x,,,,\n"
        + "Dates disagree,,,,2020,2021-01-05,,,,,,\n"
        + "Fine row,,,,2020,,,,,,,\n"
    ).encode()
    batch, page = checked(browser, data)
    rows = {row["number"]: row for row in batch.report["rows"]}
    assert rows[2]["problems"] == [
        {"field": "title", "message": "The title is missing: every item needs one."}
    ]
    assert (
        rows[3]["problems"][0]["field"] == "year"
        and "“20250” is not a year" in (rows[3]["problems"][0]["message"])
    )
    assert (
        rows[4]["problems"][0]["field"] == "doi"
        and "is not a DOI" in (rows[4]["problems"][0]["message"])
    )
    assert [p["field"] for p in rows[5]["problems"]] == ["type", "topics", "dimensions"]
    assert "There is no topic called “Gardening”" in rows[5]["problems"][1]["message"]
    assert "Star sign" in rows[5]["problems"][2]["message"]
    assert rows[6]["problems"][0]["field"] == "url" and rows[7]["problems"][0]["field"] == "url"
    assert "the year says 2020" in rows[8]["problems"][0]["message"]
    assert rows[9]["status"] == "new"
    assert batch.report["counts"] == {"rows": 8, "new": 1, "invalid": 7, "duplicate": 0}
    assert "Import 1 item" in page and "“20250” is not a year we can use" in page
    assert "javascript:alert(1)" in page and '<a href="javascript' not in page
    assert problems(page) == []
    confirm(browser, batch.id)
    assert [i.title for i in items()] == ["Fine row"]


def test_duplicates_in_the_collection_and_in_the_file_are_reported_not_doubled(
    browser, organiser, hub
):
    make_item(hub, "Rural carers and respite", year=2021, doi="10.5555/known")
    make_item(hub, "An excluded study", year=2019, status="excluded")
    data = (
        HEADER
        + "Another title,,,,2022,,https://doi.org/10.5555/KNOWN,,,,,\n"  # same DOI
        + "  rural   CARERS and Respite ,,,,2021,,,,,,,\n"  # same title and year
        + "Rural carers and respite,,,,2018,,,,,,,\n"  # other year: a different item
        + "an excluded study,,,,2019,,,,,,,\n"  # judged already
        + "New in file,,,,2020,,10.6666/new,,,,,\n"
        + "Copy by DOI,,,,2020,,10.6666/NEW,,,,,\n"
        + "new in FILE,,,,2020,,,,,,,\n"
    ).encode()
    batch, page = checked(browser, data)
    statuses = {row["number"]: (row["status"], row["duplicate"]) for row in batch.report["rows"]}
    assert (
        statuses[2][0] == "duplicate"
        and "already has “Rural carers and respite”" in (statuses[2][1])
    )
    assert statuses[3][0] == "duplicate"
    assert statuses[4] == ("new", "")
    assert statuses[5][0] == "duplicate"
    assert statuses[6] == ("new", "")
    assert statuses[7] == ("duplicate", "A duplicate: row 6 of this file has the same DOI.")
    assert "row 6 of this file has the same title and year" in statuses[8][1]
    assert "Import 2 items" in page
    confirm(browser, batch.id)
    titles = [i.title for i in items()]
    assert titles.count("New in file") == 1 and len(titles) == 4


def test_a_second_file_with_the_same_rows_adds_nothing_more(browser, organiser, hub):
    first, _ = checked(browser, GOOD)
    second, _ = checked(browser, GOOD)  # checked before the first is imported
    confirm(browser, first.id)
    page = text(confirm(browser, second.id))
    assert "Nothing to import: no row of the file is both valid and new" in page
    assert len(items()) == 3
    db.session.refresh(second)
    assert second.status == "checked"


def test_two_confirms_at_once_import_once(app, organiser, hub):
    batch_id = importing.check_file(hub, "items.csv", GOOD, organiser).id
    organiser_id = organiser.id
    db.session.commit()
    barrier, results = threading.Barrier(2), []

    def go():
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    found = db.session.get(ImportBatch, batch_id)
                    person = db.session.get(type(organiser), organiser_id)
                    results.append(importing.confirm_import(found, person))
            except importing.AlreadyImported:
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, results)) == ["3", "refused"]
    assert len(items()) == 3


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "items.csv", "The file is empty"),
        (b"\xef\xbb\xbf\r\n", "items.csv", "The file is empty"),
        (b"title,summary\n", "items.csv", "column names but no rows"),
        (b"name,summary\nA,B\n", "items.csv", "The file has no “title” column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.csv", "binary data"),
        (b"PK\x03\x04" + b"\x00" * 50, "items.csv", "an Excel workbook"),
        (b"%PDF-1.7\n" + bytes(range(1, 9)) * 40, "items.csv", "a PDF"),
        (b"title\n\x81\x8d\x8f\x90\x9d\n", "items.csv", "neither UTF-8 nor Windows-1252"),
        (b"a,b\n", "items.xlsx", "That is a spreadsheet file"),
        (b"a,b\n", "items.json", "Choose a CSV file"),
        (b"title\nsome text\nmore\n", "refs.ris", "holds no RIS records"),
        (b"TY  - JOUR\nTI  - never ends\n", "refs.ris", "holds no RIS records"),
        (b"TI  - no type\nER  - \n", "refs.txt", "holds no RIS records"),
        (b'title\n"' + b"x" * 200_000 + b'"\n', "items.csv", "Row 2 could not be read"),
        (b"title\n" + b"A row\n" * 5_001, "items.csv", "more than 5,000 rows"),
        (b"title\n" + b"x" * (5 * 1024 * 1024), "items.csv", "files can be up to 5 MB"),
    ],
    ids=[
        "empty",
        "only-bom",
        "header-only",
        "no-title-column",
        "png-renamed",
        "xlsx-renamed",
        "pdf-renamed",
        "undecodable",
        "spreadsheet",
        "other-extension",
        "ris-no-ty",
        "ris-no-er",
        "ris-tag-outside",
        "huge-cell",
        "too-many-rows",
        "over-5-mb",
    ],
)
def test_an_unreadable_file_is_refused_clearly_and_nothing_is_stored(
    browser, organiser, hub, data, filename, message
):
    response = upload(browser, data, filename)
    page = text(response)
    assert response.status_code == 200
    assert message in page and "There is a problem" in page
    assert 'href="#file"' in page and problems(page) == []
    assert batches() == 0 and items() == []


def test_no_file_chosen_is_a_message(browser, organiser, hub):
    url = "/manage/evidence/hub/import"
    page = text(browser.submit(url, {}, form_url=url, content_type="multipart/form-data"))
    assert "Choose a CSV or RIS file to check" in page and batches() == 0


def test_a_50_mb_upload_gets_the_too_large_page(browser, organiser, hub):
    response = upload(browser, b"title\n" + b"x" * (50 * 1024 * 1024))
    assert response.status_code == 413
    page = text(response)
    assert "That upload is too large" in page and "Receipts" not in page
    assert batches() == 0


def test_encodings_a_bom_windows_1252_and_utf_16_are_read(browser, organiser, hub):
    bom, _ = checked(browser, b"\xef\xbb\xbftitle,year\r\nCaf\xc3\xa9 culture,2020\r\n")
    assert bom.report["rows"][0]["title"] == "Café culture" and bom.report["notes"] == []
    windows, page = checked(
        browser, "title,summary\nCharges of £20 – and ‘more’,x\n".encode("cp1252")
    )
    assert windows.report["rows"][0]["title"] == "Charges of £20 – and ‘more’"
    assert "read as Windows-1252" in page
    odd, page = checked(
        browser, b"title,No\x07tes\n" + (b"x" * 19_000 + b",y\n") * 4 + b"Deep\x00 NUL,z\n"
    )
    assert odd.report["notes"] == ["The column “Notes” is not one we know: it was left out."]
    assert odd.report["rows"][-1]["title"] == "Deep NUL"
    assert "The column “Notes” is not one we know" in page
    wide, _ = checked(browser, "title\tyear\nTabbed and wide\t2021\n".encode("utf-16"))
    assert wide.report["rows"][0] == {
        "number": 2,
        "title": "Tabbed and wide",
        "year": 2021,
        "status": "new",
        "problems": [],
        "duplicate": "",
    }


def test_hostile_text_is_reported_or_kept_as_text(browser, organiser, hub):
    data = (
        "title,summary\n"
        + "x" * 10_000
        + ",too long a title\n"
        + "<script>alert(1)</script>,script\n"
        + "Robert'); DROP TABLE evidence_items;--,sql\n"
        + "Carers 🧡 and care,emoji\n"
        + '=HYPERLINK("http://evil"),formula\n'
        + "'=1+1,our own export\n"
        + "Control\x07 bell,control\n"
    ).encode()
    batch, page = checked(browser, data)
    rows = batch.report["rows"]
    assert "10,000 characters" in rows[0]["problems"][0]["message"]
    assert [r["status"] for r in rows[1:]] == ["new"] * 6
    assert "<script>alert(1)</script>" not in batch_page_raw(browser, batch)
    confirm(browser, batch.id)
    titles = [i.title for i in items()]
    assert "Robert'); DROP TABLE evidence_items;--" in titles
    assert "Carers 🧡 and care" in titles and "=1+1" in titles and "Control bell" in titles
    assert problems(page) == []


def batch_page_raw(browser, batch) -> str:
    return browser.get(f"/manage/evidence/hub/import/{batch.id}").get_data(as_text=True)


RIS = """TY  - JOUR
TI  - Unpaid carers in rural areas: a study
AU  - Example, Ann
AU  - Sample, Bo
PY  - 2021///
JO  - Example Journal of Care
AB  - What carers in rural areas said about getting a break.
DO  - https://doi.org/10.7777/RURAL.2021
UR  - https://example.org/rural
KW  - Unpaid carers
KW  - rurality
KW  - something else entirely
ER  -

TY  - RPRT
AU  - Nobody, N
PY  - 2020
ER  -

TY  - GOVDOC
T1  - Charging guidance and deprivation
Y1  - 2019/05/02/
PB  - Example Department
UR  - ftp://example.org/old
UR  - https://example.org/charging
ER  -

TY  - JOUR
TI  - Year from the future
PY  - 20250
DO  - not-a-doi
ER  -

TY  - JOUR
TI  - This record never ends
"""


def test_an_ris_file_is_read_record_by_record(browser, organiser, hub):
    batch, page = checked(browser, RIS.encode(), "export.ris")
    assert batch.format == "ris"
    rows = {row["number"]: row for row in batch.report["rows"]}
    assert rows[1]["status"] == "new" and rows[3]["status"] == "new"
    assert rows[2]["problems"] == [
        {"field": "TI", "message": "The title is missing: every item needs one."}
    ]
    assert [p["field"] for p in rows[4]["problems"]] == ["PY", "DO"]
    assert (
        rows[5]["problems"][0]["field"] == "ER" and "line 34" in rows[5]["problems"][0]["message"]
    )
    assert "Record" in page and "Import 2 items" in page and problems(page) == []
    confirm(browser, batch.id)
    rural, charging = items()
    assert rural.authors == "Example, Ann\nSample, Bo" and rural.published_year == 2021
    assert rural.doi == "10.7777/rural.2021" and rural.publisher == "Example Journal of Care"
    assert rural.summary.startswith("What carers in rural areas said")
    assert charging.url == "https://example.org/charging"
    assert str(charging.published_on) == "2019-05-02" and charging.publisher == "Example Department"
    slugs = lambda item: sorted(  # noqa: E731
        db.session.scalars(
            select(EvidenceTerm.slug)
            .join(EvidenceItemTerm, EvidenceItemTerm.term_id == EvidenceTerm.id)
            .where(EvidenceItemTerm.item_id == item.id)
        )
    )
    assert slugs(rural) == ["research", "rurality", "unpaid-carers"]
    assert slugs(charging) == ["policy"]


def test_what_rispy_writes_is_imported(browser, organiser, hub):
    """A file as a reference manager writes it (CRLF lines, a BOM), made with the same library."""
    entries = [
        {"type_of_reference": "JOUR", "title": f"Written by rispy {n}", "year": "2024"}
        for n in range(3)
    ]
    data = "\ufeff".encode() + rispy.dumps(entries).replace("\n", "\r\n").encode()
    batch, page = checked(browser, data, "zotero.txt")
    assert batch.format == "ris" and "Import 3 items" in page


def test_the_template_csv_downloads_and_checks_cleanly(browser, organiser, hub):
    response = browser.get("/manage/evidence/import-template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "private, no-store"
    batch, _page = checked(browser, response.data, "evidence-import-template.csv")
    assert batch.report["counts"]["new"] == 1 and batch.report["notes"] == []


def test_the_import_page_documents_the_columns_and_values(browser, organiser, hub):
    page = text(browser.get("/manage/evidence/hub/import"))
    for column in ("title", "summary", "authors", "doi", "topics", "dimensions", "design"):
        assert f"<code>{column}</code>" in page
    assert "Unpaid carers (<code>unpaid-carers</code>)" in page
    assert "Download a template CSV file" in page and problems(page) == []


def test_a_batch_of_another_collection_is_not_found(browser, organiser, hub):
    other = make_collection(slug="other", title="Other hub")
    batch = importing.check_file(other, "x.csv", GOOD, organiser)
    assert browser.get(f"/manage/evidence/hub/import/{batch.id}").status_code == 404
    response = browser.submit(
        f"/manage/evidence/hub/import/{batch.id}/confirm",
        {},
        form_url="/manage/evidence/hub/import",
    )
    assert response.status_code == 404 and items() == []
    assert browser.get("/manage/evidence/nowhere/import").status_code == 404


def test_the_report_page_reads_no_more_for_more_rows(browser, organiser, hub, count_queries):
    small, _ = checked(browser, (HEADER + "One,,,,2020,,,,,,,\n").encode())
    rows = "".join(f"Item {n},,,,2020,,,,,unknown,,\n" for n in range(200))
    large, _ = checked(browser, (HEADER + rows).encode())
    counts = []
    for batch in (small, large):
        with count_queries() as queries:
            assert browser.get(f"/manage/evidence/hub/import/{batch.id}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_import_page_lists_recent_files_reading_a_fixed_number_of_queries(
    browser, organiser, hub, count_queries
):
    first, _ = checked(browser, GOOD, "first.csv")
    confirm(browser, first.id)
    with count_queries() as queries:
        page = text(browser.get("/manage/evidence/hub/import"))
    few = len(queries)
    assert "first.csv" in page and "Imported on" in page
    for n in range(4):
        checked(browser, GOOD, f"more-{n}.csv")
    with count_queries() as queries:
        page = text(browser.get("/manage/evidence/hub/import"))
    assert len(queries) == few and page.count("Checked, not imported") == 4
    assert not any("evidence_imports.data" in q for q in queries)  # 5 MB each, never listed
