"""The scanner plugins: the demo one refuses EICAR; the clamd one speaks ClamAV's INSTREAM
protocol over a real TCP connection (to a fake clamd) and turns every failure into
ScanUnavailable."""

from __future__ import annotations

import pytest

from motcua.documents import scanners
from motcua.documents.scanners import ClamdScanner, ScanUnavailable, get_scanner

from .samples import EICAR, pdf_bytes


def test_demo_refuses_eicar_alone_and_inside_a_larger_file():
    demo = get_scanner("demo")
    assert demo.scan([EICAR]).clean is False
    assert demo.scan([EICAR]).threat == "Eicar-Test-Signature"
    inside = pdf_bytes() + EICAR + pdf_bytes()
    # Split across chunks, right through the string.
    cut = len(pdf_bytes()) + 30
    assert demo.scan([inside[:cut], inside[cut:]]).clean is False
    assert demo.scan([inside[i : i + 7] for i in range(0, len(inside), 7)]).clean is False


def test_demo_accepts_everything_else():
    result = get_scanner("demo").scan([pdf_bytes(), EICAR[:-1]])
    assert result.clean is True
    assert result.scanner == "demo"


def test_the_setting_chooses_the_scanner(settings):
    assert isinstance(get_scanner(), scanners.DemoScanner)
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    assert isinstance(get_scanner(), ClamdScanner)
    settings.MOTCUA_MALWARE_SCANNER = "nope"
    with pytest.raises(ScanUnavailable):
        get_scanner()
    assert "MOTCUA_MALWARE_SCANNER='nope'" in scanners.check_config()[0]


def test_demo_is_flagged_in_production(settings):
    assert scanners.check_config() == []
    settings.MOTCUA_ENV = "production"
    assert "use clamd in production" in scanners.check_config()[0]


def test_clamd_config_is_checked_without_network(settings):
    settings.MOTCUA_MALWARE_SCANNER = "clamd"
    assert scanners.check_config() == []
    settings.MOTCUA_CLAMD_HOST = ""
    settings.MOTCUA_CLAMD_PORT = 70000
    settings.MOTCUA_CLAMD_TIMEOUT = 0
    problems = " ".join(scanners.check_config())
    assert "MOTCUA_CLAMD_HOST" in problems
    assert "MOTCUA_CLAMD_PORT" in problems
    assert "MOTCUA_CLAMD_TIMEOUT" in problems
    with pytest.raises(ScanUnavailable) as caught:
        get_scanner().scan([b"x"])
    assert caught.value.code == "config"


def test_clamd_clean_stream_in_length_prefixed_chunks(fake_clamd, monkeypatch):
    monkeypatch.setattr(ClamdScanner, "CHUNK", 100)
    content = pdf_bytes() * 3
    result = get_scanner().scan([content[:150], content[150:]])
    assert result.clean is True
    assert result.scanner == "clamd"
    assert fake_clamd.commands == [b"zINSTREAM\0"]
    (lengths,) = fake_clamd.streams
    assert lengths[-1] == 0
    assert all(0 < n <= 100 for n in lengths[:-1])
    assert sum(lengths) == len(content)


def test_clamd_found_gives_the_threat_name(fake_clamd):
    result = get_scanner().scan([pdf_bytes(), EICAR])
    assert result.clean is False
    assert result.threat == "Win.Test.EICAR_HDB-1"


def test_clamd_ping(fake_clamd):
    get_scanner().ping()
    assert fake_clamd.commands == [b"zPING\0"]


@pytest.mark.parametrize(("mode", "code"), [("close", "error"), ("error", "error")])
def test_clamd_that_closes_or_errs_is_unavailable(fake_clamd, mode, code):
    fake_clamd.mode = mode
    with pytest.raises(ScanUnavailable) as caught:
        get_scanner().scan([pdf_bytes()])
    assert caught.value.code == code


def test_clamd_that_does_not_answer_times_out(fake_clamd, settings):
    fake_clamd.mode = "silent"
    settings.MOTCUA_CLAMD_TIMEOUT = 0.2
    with pytest.raises(ScanUnavailable) as caught:
        get_scanner().scan([pdf_bytes()])
    assert caught.value.code == "timeout"


def test_clamd_unreachable(clamd_down):
    with pytest.raises(ScanUnavailable) as caught:
        get_scanner().scan([pdf_bytes()])
    assert caught.value.code == "unreachable"
    with pytest.raises(ScanUnavailable):
        get_scanner().ping()
