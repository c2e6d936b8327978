"""Batch input that is wrong or odd: every case gets a clear message, and nothing needs a worker process."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from checker.batch import (
    ColumnError,
    DocsFolder,
    DocsMapping,
    DocsZip,
    MissingDocumentError,
    detect_columns,
    read_sheet,
    read_sheet_bytes,
)
from checker.batch.plan import plan_rows
from checker.cli import main
from checker.errors import (
    ArchiveBombError,
    EmptyDocumentError,
    EncryptedDocumentError,
    LegacyFormatError,
    LimitExceededError,
)
from checker.extract.limits import Limits

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the sheet as a whole ---------------------------------------------------------------------------------


def test_legacy_xls_says_convert_to_xlsx() -> None:
    with pytest.raises(LegacyFormatError) as info:
        read_sheet_bytes(OLE2, "vendors.xls")
    assert ".xls" in info.value.message and "save it as .xlsx" in info.value.hint


def test_password_protected_workbook_is_named_as_such() -> None:
    with pytest.raises(EncryptedDocumentError) as info:
        read_sheet_bytes(OLE2, "vendors.xlsx")
    assert "password protected" in info.value.message and "remove the password" in info.value.hint


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (_xlsx([]), "empty.xlsx", "The sheet is empty."),
        (_xlsx([["Vendor", "File"]]), "header.xlsx", "a header row but no data rows"),
        (_xlsx([[None], [None, "", " "]]), "blank.xlsx", "The sheet is empty."),
        (b"", "empty.csv", "The sheet is empty."),
        (codecs.BOM_UTF8, "bom.csv", "The sheet is empty."),
    ],
)
def test_an_empty_sheet_is_refused(data: bytes, name: str, says: str) -> None:
    with pytest.raises(EmptyDocumentError) as info:
        read_sheet_bytes(data, name)
    assert says in info.value.message


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("utf-16-le", ","), ("cp1252", ";")],
)
def test_csv_encodings_and_delimiters(encoding: str, delimiter: str) -> None:
    text = delimiter.join(["Lieferant Vendor", "Contract file", "Owner"]) + "\r\n"
    text += delimiter.join(["Müller GmbH", "dpa.pdf", '"Zoë, Legal"']) + "\r\n"
    sheet = read_sheet_bytes(text.encode(encoding), "vendors.csv")
    assert sheet.headers == ("Lieferant Vendor", "Contract file", "Owner")
    assert sheet.rows[0].values == ("Müller GmbH", "dpa.pdf", "Zoë, Legal")
    assert sheet.rows[0].number == 2


def test_a_100k_row_sheet_streams_and_a_bigger_one_is_capped() -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["Vendor", "Contract file"])
    for i in range(100_000):
        ws.append([f"Vendor {i}", f"contract-{i}.pdf"])
    buf = io.BytesIO()
    wb.save(buf)
    sheet = read_sheet_bytes(buf.getvalue(), "big.xlsx")
    assert len(sheet.rows) == 100_000 and sheet.rows[-1].values == ("Vendor 99999", "contract-99999.pdf")
    with pytest.raises(LimitExceededError) as info:
        read_sheet_bytes(buf.getvalue(), "big.xlsx", max_rows=99_999)
    assert "more than 99,999 data rows" in info.value.message and "--max-rows" in info.value.hint


def test_a_workbook_bomb_is_refused_from_the_zip_directory() -> None:
    buf = io.BytesIO()
    good = zipfile.ZipFile(io.BytesIO(_xlsx([["Vendor", "File"], ["Acme", "a.pdf"]])))
    with good, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in good.infolist():
            body = good.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<sheetData>", b"<sheetData>" + b"<row/>" * 3_500_000)
            bomb.writestr(info.filename, body)
    with pytest.raises(ArchiveBombError, match=r"compressed up to [\d,]+:1\): it looks like an archive bomb"):
        read_sheet_bytes(buf.getvalue(), "vendors.xlsx")


def test_values_come_back_as_the_text_the_user_typed() -> None:
    import datetime as dt

    data = _xlsx([["Vendor", "File", "Renewal", "Value"], ["Acme", "a.pdf", dt.datetime(2026, 3, 1), 12.0]])
    assert read_sheet_bytes(data, "v.xlsx").rows[0].values == ("Acme", "a.pdf", "2026-03-01", "12")


# --- columns ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (("Vendor", "Agreement type", "Contract file", "Owner", "Renewal date"), (0, 2, None)),
        (("Supplier name", "Document", "Security clause text"), (0, 1, 2)),
        (("Company", "Contract owner", "Path"), (0, 2, None)),
        (("Counterparty", "Contract", "Clause"), (0, 1, 2)),
        (("Vendor ID", "Company name", "Filename", "Contract text"), (1, 2, 3)),
    ],
)
def test_columns_are_found_by_header(headers: tuple[str, ...], expected: tuple[int | None, ...]) -> None:
    cols = detect_columns(headers)
    assert (cols.vendor, cols.file, cols.text) == expected


def test_explicit_columns_by_header_letter_or_number() -> None:
    headers = ("Name", "Where", "Notes")
    cols = detect_columns(headers, vendor="name", file="B", text="3")
    assert (cols.vendor, cols.file, cols.text) == (0, 1, 2)
    with pytest.raises(ColumnError) as info:
        detect_columns(headers, file="Attachment")
    assert "Name, Where, Notes" in info.value.hint
    with pytest.raises(ColumnError, match="No column names a contract file"):
        detect_columns(headers)


# --- documents ------------------------------------------------------------------------------------------------


def test_a_folder_refuses_names_outside_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "secret.txt").write_text("x")
    docs = DocsFolder(tmp_path / "docs")
    with pytest.raises(MissingDocumentError, match="outside the documents folder"):
        docs.locate("../secret.txt")
    with pytest.raises(MissingDocumentError, match="was not found"):
        docs.locate("dpa.pdf")


def test_a_zip_is_matched_by_name_never_extracted(tmp_path: Path) -> None:
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("contracts/dpa.txt", "Vendor shall notify Customer within 24 hours.")
        archive.writestr("../../evil.txt", "x")
        archive.writestr("a/same.txt", "1")
        archive.writestr("b/same.txt", "2")
    docs = DocsZip(path)
    assert docs.load(docs.locate("dpa.txt")).startswith(b"Vendor")
    assert docs.locate("contracts\\DPA.txt").member == "contracts/dpa.txt"
    with pytest.raises(MissingDocumentError, match="2 files in the archive"):
        docs.locate("same.txt")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", bytes(30 * 1024 * 1024))
    with pytest.raises(ArchiveBombError, match="archive bomb"):
        DocsZip(path, Limits(max_uncompressed_bytes=1024 * 1024))


def test_a_member_larger_than_the_file_limit_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.txt", b"a" * 200_000)
    docs = DocsZip(path, Limits(max_file_bytes=100_000))
    with pytest.raises(Exception, match="more than the limit max_file_bytes"):
        docs.load(docs.locate("big.txt"))


# --- planning ---------------------------------------------------------------------------------------------------


def test_rows_are_planned_with_duplicates_missing_and_empty_rows() -> None:
    data = _xlsx([
        ["Vendor", "File", "Clause text"],
        ["Acme", "msa.pdf; dpa.pdf", None],
        ["Beta", "gone.pdf", None],
        ["Gamma", None, None],
        ["Acme 2", "msa.pdf;dpa.pdf", None],
        ["Delta", None, "Vendor shall encrypt data at rest."],
    ])  # fmt: skip
    sheet = read_sheet_bytes(data, "v.xlsx")
    docs = DocsMapping({"msa.pdf": b"1", "dpa.pdf": b"2"})
    plans, jobs = plan_rows(sheet, detect_columns(sheet.headers), docs)
    assert [p.job for p in plans] == [0, None, None, 0, 1]
    assert [len(j.docs) for j in jobs] == [2, 1]
    assert plans[1].errors[0].code == "missing_file" and "gone.pdf" in plans[1].errors[0].message
    assert "no contract file" in plans[2].errors[0].message
    assert plans[3].notes == ["Same document(s) as row 2: scored once, the result is repeated here."]
    assert jobs[1].docs[0].name == "row-6-pasted-text.txt"


# --- the command line -------------------------------------------------------------------------------------------


def test_cli_refuses_an_unreadable_sheet_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xls = tmp_path / "vendors.xls"
    xls.write_bytes(OLE2)
    assert main(["batch", str(xls), "--out", str(tmp_path / "out.xlsx")]) == 1
    assert "legacy Excel .xls" in capsys.readouterr().err
    assert not (tmp_path / "out.xlsx").exists()


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "v.csv"
    sheet.write_text("Name,Where\nAcme,a.pdf\n", encoding="utf-8")
    assert main(["batch", str(sheet), "--out", str(tmp_path / "out.csv")]) == 2
    assert (
        main(["batch", str(sheet), "--out", str(tmp_path / "o.xlsx"), "--docs", str(tmp_path / "nope")]) == 2
    )
    assert main(["batch", str(sheet), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "--out must name an .xlsx file" in err and "does not exist" in err and "--file-col" in err


def test_cli_scores_nothing_when_no_row_names_a_document(tmp_path: Path) -> None:
    sheet = tmp_path / "v.csv"
    sheet.write_text("Vendor,Contract file\nAcme,\nBeta,missing.pdf\n", encoding="utf-8")
    out = tmp_path / "o.xlsx"
    assert main(["batch", str(sheet), "--out", str(out), "--quiet"]) == 1
    assert read_sheet(out).rows[0].values[0] == "Acme"
