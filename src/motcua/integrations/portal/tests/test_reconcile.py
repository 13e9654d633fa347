"""The nightly reconciliation: dossiers the portal holds with another status or not at all
are found, reported (in the admin and by the command) and can be pushed again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from motcua.integrations.portal import services, tasks
from motcua.integrations.portal.models import DossierSync, Reconciliation, ReconciliationItem

from .conftest import dispatch, file_at_desk, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(portal, office):
    dossiers = [file_at_desk(office) for _ in range(3)]
    step(office, dossiers[0], "accept")
    dispatch()
    return dossiers


def test_the_reconciliation_finds_a_dossier_whose_status_differs_and_one_that_is_missing(
    portal, synced
):
    same, drifted, lost = synced
    portal.receiver.store.patch_dossier(drifted.code, {"TrangThaiHoSo": "4"})
    portal.receiver.store.delete_dossier(lost.code)
    report = services.reconcile()
    assert report.error == ""
    assert (report.checked, report.differing, report.missing) == (3, 1, 1)
    items = {i.code: i for i in report.items.all()}
    assert set(items) == {drifted.code, lost.code}
    assert items[drifted.code].kind == ReconciliationItem.Kind.DIFFERS
    assert (items[drifted.code].local_status, items[drifted.code].remote_status) == (1, "4")
    assert items[lost.code].kind == ReconciliationItem.Kind.MISSING
    assert not items[lost.code].push_pending
    assert DossierSync.objects.get(dossier=same).remote_status == "2"
    assert DossierSync.objects.get(dossier=lost).remote_status == ""


def test_pushing_the_differing_dossiers_again_mends_the_portal(portal, synced):
    _same, drifted, lost = synced
    portal.receiver.store.patch_dossier(drifted.code, {"TrangThaiHoSo": "4"})
    portal.receiver.store.delete_dossier(lost.code)
    services.reconcile(resync=True)
    dispatch()
    assert portal.dossier(drifted.code)["TrangThaiHoSo"] == "1"
    assert portal.dossier(lost.code)["TrangThaiHoSo"] == "1"
    again = services.reconcile()
    assert (again.differing, again.missing) == (0, 0)


def test_only_the_recently_changed_dossiers_are_looked_up(portal, synced):
    report = services.reconcile(now=timezone.now() + timedelta(days=10), days=2)
    assert report.checked == 0


def test_a_pending_push_is_marked_so_the_difference_is_not_taken_for_a_loss(portal, office):
    portal.fail("error", services="DongBoHoSoMC")
    dossier = file_at_desk(office)
    dispatch()
    report = services.reconcile()
    item = report.items.get()
    assert item.code == dossier.code
    assert item.push_pending


def test_the_commands_report_the_reconciliation_and_the_state(portal, synced, capsys):
    portal.receiver.store.patch_dossier(synced[1].code, {"TrangThaiHoSo": "9"})
    call_command("portal_sync", "reconcile")
    out = capsys.readouterr().out
    assert "Đã đối soát 3 hồ sơ: 0 không có trên Cổng, 1 khác trạng thái" in out
    assert f"{synced[1].code}: Khác trạng thái (tại hệ thống 1, trên Cổng 9)" in out
    call_command("portal_sync", "status")
    out = capsys.readouterr().out
    assert "Kết nối: demo" in out
    assert "Hồ sơ đã đồng bộ: 3" in out
    assert "1 khác trạng thái" in out


def test_a_portal_that_cannot_answer_leaves_a_report_with_the_reason(portal, synced):
    portal.fail("outage")
    with pytest.raises(CommandError, match="Cổng DVC quốc gia đang gặp lỗi"):
        call_command("portal_sync", "reconcile")
    report = Reconciliation.objects.get()
    assert "server_error" in report.error
    assert report.finished_at is not None


def test_the_scheduled_function_runs_the_reconciliation(portal, synced):
    report = Reconciliation.objects.get(pk=tasks.reconcile_recent())
    assert report.checked == 3


def test_the_system_check_names_a_missing_setting(settings):
    from motcua.integrations.portal.apps import check_portal_sync_config

    settings.MOTCUA_PORTAL_SYNC = "dvcqg"
    settings.MOTCUA_PORTAL_SYNC_URL = ""
    problems = [m.msg for m in check_portal_sync_config()]
    assert any("MOTCUA_PORTAL_SYNC_URL is not set" in p for p in problems)
    settings.MOTCUA_PORTAL_SYNC = "nope"
    assert "not a known national portal sync" in check_portal_sync_config()[0].msg
    settings.MOTCUA_PORTAL_SYNC = "disabled"
    assert check_portal_sync_config() == []


def test_the_admin_lists_the_sync_state_and_the_reports(portal, synced, client):
    from tests.fixtures.accounts import login_staff, make_staff

    services.reconcile()
    admin = make_staff("system_admin", None)
    login_staff(client, admin)
    assert client.get("/quan-tri/portal_sync/dossiersync/").status_code == 200
    report = Reconciliation.objects.get()
    page = client.get(f"/quan-tri/portal_sync/reconciliation/{report.pk}/change/")
    assert page.status_code == 200
