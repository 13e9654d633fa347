"""The demo population source against the real bundled provider, and its failures."""

from __future__ import annotations

import logging
import time
from datetime import date

import pytest
import requests

from motcua.integrations.population import PopulationUnavailable, get_source
from motcua.integrations.population.base import InvalidPid
from motcua.integrations.population.registry import available, check_config

UNKNOWN_PID = "000000000000"


def test_registry_has_the_demo_source(settings):
    settings.MOTCUA_POPULATION_SOURCE = "demo"
    assert "demo" in available()
    assert get_source().id == "demo"


def test_finds_a_known_citizen(population_settings, citizens):
    citizen = citizens[0]
    record = get_source().lookup(citizen["pid"])
    assert record is not None
    assert record.pid == citizen["pid"]
    assert record.full_name == citizen["name"]
    assert record.birth_date == date.fromisoformat(citizen["birthdate"])
    assert record.sex == citizen["gender"]
    assert record.permanent_address == citizen["address"]["formatted"]
    assert record.commune_code == citizen["address"]["commune_code"]
    assert record.old_id == (citizen.get("old_id") or None)
    assert citizen["pid"] not in repr(record)


def test_every_citizen_is_found(population_settings, citizens):
    source = get_source()
    for citizen in citizens:
        assert source.lookup(citizen["pid"]).full_name == citizen["name"]


def test_unknown_number_is_none(population_settings, citizens):
    assert UNKNOWN_PID not in {c["pid"] for c in citizens}
    assert get_source().lookup(UNKNOWN_PID) is None


@pytest.mark.parametrize(
    "pid",
    [
        "12345678901",  # 11 digits
        "1234567890123",  # 13 digits
        "12345678901a",
        "abcdefghijkl",
        "１２３４５６７８９０１２",  # fullwidth digits
        "١٢٣٤٥٦٧٨٩٠١٢",  # Arabic-Indic digits
        "123456789012\n",
        " 123456789012",
        "",
    ],
)
def test_invalid_number_is_refused_without_a_request(population_settings, monkeypatch, pid):
    def no_request(*args, **kwargs):
        raise AssertionError("no request may be made for an invalid number")

    monkeypatch.setattr(requests, "get", no_request)
    with pytest.raises(InvalidPid):
        get_source().lookup(pid)


def test_closed_port_is_unavailable_quickly(settings, closed_port_url):
    settings.MOTCUA_POPULATION_URL = closed_port_url
    started = time.monotonic()
    with pytest.raises(PopulationUnavailable) as caught:
        get_source().lookup("001234567890")
    assert time.monotonic() - started < 2
    assert caught.value.code == "connection"
    assert caught.value.reason_vi


def test_slow_server_times_out(settings, local_server):
    settings.MOTCUA_POPULATION_URL = local_server(body=b'{"citizens": []}', delay=2.0)
    settings.MOTCUA_POPULATION_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(PopulationUnavailable) as caught:
        get_source().lookup("001234567890")
    assert time.monotonic() - started < 1.8
    assert caught.value.code == "timeout"


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (500, b'{"error": "boom"}', "server_error"),
        (503, b"Service Unavailable", "server_error"),
        (200, b"<html>not json</html>", "malformed"),
        (200, b'{"citizens": "nope"}', "malformed"),
        (200, b"[1, 2, 3]", "malformed"),
        (200, b'{"citizens": [{"pid": "001234567890", "birthdate": "31/12/1990"}]}', "malformed"),
        (404, b"{}", "bad_status"),
    ],
)
def test_broken_answers_are_unavailable(settings, local_server, status, body, code):
    settings.MOTCUA_POPULATION_URL = local_server(status=status, body=body)
    with pytest.raises(PopulationUnavailable) as caught:
        get_source().lookup("001234567890")
    assert caught.value.code == code


def test_check_config(settings):
    settings.MOTCUA_POPULATION_SOURCE = "demo"
    settings.MOTCUA_POPULATION_URL = "http://127.0.0.1:8001/demo/citizens.json"
    assert check_config() == []
    settings.MOTCUA_POPULATION_URL = ""
    assert any("MOTCUA_POPULATION_URL" in problem for problem in check_config())
    settings.MOTCUA_POPULATION_URL = "ftp://example"
    assert any("MOTCUA_POPULATION_URL" in problem for problem in check_config())
    settings.MOTCUA_POPULATION_SOURCE = "nope"
    assert any("MOTCUA_POPULATION_SOURCE" in problem for problem in check_config())


def test_missing_url_is_unavailable_without_a_request(settings, monkeypatch):
    settings.MOTCUA_POPULATION_URL = ""
    monkeypatch.setattr(requests, "get", lambda *a, **k: pytest.fail("no request"))
    with pytest.raises(PopulationUnavailable) as caught:
        get_source().lookup("001234567890")
    assert caught.value.code == "config"


def test_the_number_never_appears_in_logs(settings, closed_port_url, local_server, caplog):
    pid = "079123456789"
    caplog.set_level(logging.DEBUG)
    for url in (closed_port_url, local_server(status=500), local_server(body=b"not json")):
        settings.MOTCUA_POPULATION_URL = url
        with pytest.raises(PopulationUnavailable):
            get_source().lookup(pid)
    records = [r for r in caplog.records if "population.unavailable" in str(r.msg)]
    assert len(records) == 3
    everything = caplog.text + "".join(str(r.msg) + str(r.args) for r in caplog.records)
    assert pid not in everything
    assert "6789" in everything  # the masked tail is there to help support
