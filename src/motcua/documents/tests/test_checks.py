"""What an upload must be: its type read from its content, not its name; sizes within limits;
each refusal in plain Vietnamese, naming the file and the limit."""

from __future__ import annotations

import pytest
from django.core import checks as system_checks

from motcua.documents import checks
from motcua.documents.checks import MB, UploadError

from .samples import EXE, JPEG, PNG, docx_bytes, pdf_bytes, zip_bytes


def test_the_type_comes_from_the_content_not_the_name():
    assert checks.check_upload("scan.jpg", 500, pdf_bytes()).mime == "application/pdf"
    assert checks.check_upload("anh-the", 100, JPEG).mime == "image/jpeg"
    assert checks.check_upload("ANH.PNG", 100, PNG).mime == "image/png"


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused():
    for content in (EXE, zip_bytes({"a.txt": b"hello"}), b"<html><script>alert(1)</script>"):
        with pytest.raises(UploadError) as caught:
            checks.check_upload("giay-to.pdf", len(content), content)
        assert caught.value.code == "type_mismatch"
        assert "“giay-to.pdf”" in caught.value.message_vi
        assert "đuôi .pdf nhưng nội dung không phải tệp PDF" in caught.value.message_vi


def test_a_type_not_allowed_names_the_file_and_the_allowed_types():
    with pytest.raises(UploadError) as caught:
        checks.check_upload("giay-khai-sinh.exe", len(EXE), EXE)
    assert caught.value.code == "type_not_allowed"
    assert caught.value.message_vi == (
        "Tệp “giay-khai-sinh.exe” không phải PDF, JPG hay PNG. Hãy chọn tệp đúng loại."
    )


def test_office_types_only_when_configured_and_a_plain_zip_never(settings):
    with pytest.raises(UploadError):
        checks.check_upload("don.docx", 300, docx_bytes())
    settings.MOTCUA_UPLOAD_TYPES = ["pdf", "docx"]
    assert checks.check_upload("don.docx", 300, docx_bytes()).key == "docx"
    with pytest.raises(UploadError, match="không phải PDF hay Word"):
        checks.check_upload("nen.zip", 300, zip_bytes({"word.txt": b"x"}))


def test_size_limit_per_file(settings):
    with pytest.raises(UploadError) as caught:
        checks.check_upload("ban-do.pdf", int(25.3 * MB), pdf_bytes())
    assert caught.value.code == "too_large"
    assert "Tệp “ban-do.pdf” nặng 25,3 MB, quá giới hạn 20 MB cho mỗi tệp." in (
        caught.value.message_vi
    )
    # Just over the limit never reads as the limit itself.
    with pytest.raises(UploadError, match="nặng 20,1 MB"):
        checks.check_size("a.pdf", 20 * MB + 1)
    checks.check_size("a.pdf", 20 * MB)
    settings.MOTCUA_UPLOAD_MAX_FILE_MB = 2
    with pytest.raises(UploadError, match="quá giới hạn 2 MB"):
        checks.check_size("a.pdf", 3 * MB)


def test_an_empty_file_is_refused():
    with pytest.raises(UploadError) as caught:
        checks.check_upload("trang.pdf", 0, b"")
    assert caught.value.code == "empty"
    assert "“trang.pdf” không có nội dung" in caught.value.message_vi


def test_total_per_dossier(settings):
    checks.check_total([40 * MB, 40 * MB], 20 * MB, name="c.pdf")
    with pytest.raises(UploadError) as caught:
        checks.check_total([40 * MB, 50 * MB], 15 * MB, name="c.pdf")
    assert caught.value.code == "total_too_large"
    assert "“c.pdf” (15 MB)" in caught.value.message_vi
    assert "tổng cộng 105 MB, quá giới hạn 100 MB cho mỗi hồ sơ" in caught.value.message_vi
    settings.MOTCUA_UPLOAD_MAX_TOTAL_MB = 10
    with pytest.raises(UploadError, match="quá giới hạn 10 MB"):
        checks.check_total([], 11 * MB)


def test_sizes_read_the_vietnamese_way():
    assert checks.format_size(12) == "12 byte"
    assert checks.format_size(350 * 1024) == "350 KB"
    assert checks.format_size(int(1.2 * MB)) == "1,2 MB"
    assert checks.format_size(20 * MB) == "20 MB"
    assert checks.format_size(int(20.01 * MB), round_up=True) == "20,1 MB"


def test_names_are_sanitised_for_display():
    assert checks.sanitise_name("C:\\Users\\an\\giấy khai sinh.pdf") == "giấy khai sinh.pdf"
    assert checks.sanitise_name("../../etc/passwd") == "passwd"
    # A right-to-left override would show "hsoexe.pdf" for "hso\u202efdp.exe".
    assert checks.sanitise_name("hso\u202efdp.exe") == "hsofdp.exe"
    assert checks.sanitise_name("  \x00  ") == "tep"
    long = checks.sanitise_name("a" * 400 + ".pdf")
    assert len(long) == 255
    assert long.endswith(".pdf")
    # Decomposed Vietnamese (as some phones send) is stored composed.
    assert checks.sanitise_name("Gia\u0301y.pdf") == "Giáy.pdf"


def test_unknown_type_keys_are_reported_by_the_system_check(settings):
    from motcua.documents.apps import check_documents_config

    assert check_documents_config() == []
    settings.MOTCUA_UPLOAD_TYPES = ["pdf", "exe"]
    problems = check_documents_config()
    assert [p.id for p in problems] == ["motcua.documents.W001"]
    assert "'exe'" in problems[0].msg
    assert isinstance(problems[0], system_checks.Warning)
