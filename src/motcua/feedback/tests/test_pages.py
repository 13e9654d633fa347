"""The feedback pages without JavaScript: sending (every problem at once, input kept, the
anti-abuse check and the rate limits), following with the signed link, the staff queue and
actions, the public questions and answers, and rating a returned dossier."""

from __future__ import annotations

import re
from datetime import datetime
from unittest import mock

import pytest
from django.core import signing
from tests.fixtures.accounts import login_citizen, login_staff

from motcua.core import outbox
from motcua.feedback import rules, selectors, services
from motcua.feedback.models import DossierRating, Feedback, FeedbackClass, FollowUp, State

from .conftest import PHONE

pytestmark = pytest.mark.django_db
SEND = "/phan-anh-kien-nghi/gui/"


def _challenge(page: str) -> tuple[str, str]:
    """The token and the right answer of the question on a form page."""
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    a, b = signing.loads(token, salt=rules.CHALLENGE_SALT)
    return token, str(a + b)


def _form(client, **fields) -> dict:
    token, answer = _challenge(client.get(SEND).content.decode())
    data = {
        "kind": "reflection",
        "subject": "agency",
        "agency_query": "Sở Tư pháp tỉnh Lâm Đồng",
        "content": "Hướng dẫn trên cổng không nói rõ cần bản sao hay bản chính.",
        "sender_name": "Trần Thị Hoa",
        "sender_email": "hoa@example.vn",
        "challenge_token": token,
        "challenge_answer": answer,
        "website": "",
    }
    data.update(fields)
    return data


def test_the_form_lists_every_problem_at_once_and_keeps_what_was_typed(client):
    page = client.get(SEND).content.decode()
    assert "Khiếu nại, tố cáo" in page
    assert "bằng mấy? (viết bằng số)" in page
    data = _form(
        client, kind="recommendation", agency_query="", content="Nội dung giữ lại",
        sender_email="", challenge_answer="99",
    )  # fmt: skip
    response = client.post(SEND, data)
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "Hãy nhập mã hoặc tên cơ quan.",
        "Kiến nghị cần có giải pháp bạn đề xuất.",
        "Hãy nhập e-mail hoặc số điện thoại để nhận trả lời.",
        "Câu trả lời kiểm tra chưa đúng.",
    ):
        assert message in page
    assert "Nội dung giữ lại" in page
    assert "Trần Thị Hoa" in page
    assert not Feedback.objects.exists()


def test_an_anonymous_sender_gets_a_code_and_a_follow_up_link_by_email(client, mailoutbox):
    response = client.post(SEND, _form(client))
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.code.startswith("PAKN-")
    assert feedback.agency.code == "000.00.04.H36"
    token = re.fullmatch(r"/phan-anh-kien-nghi/theo-doi/([^/]+)/", response["Location"])[1]
    assert selectors.by_token(token) == feedback
    page = client.get(response["Location"]).content.decode()
    assert feedback.code in page
    assert "Sở Tư pháp tỉnh Lâm Đồng" in page
    outbox.dispatch_pending()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["hoa@example.vn"]
    assert feedback.code in mailoutbox[0].subject
    emailed = re.search(r"/phan-anh-kien-nghi/theo-doi/([^/\s]+)/", mailoutbox[0].body)
    assert selectors.by_token(emailed.group(1)) == feedback
    outbox.dispatch_pending()  # delivered once only
    assert len(mailoutbox) == 1


def test_an_agency_name_matching_several_offers_a_choice(client):
    response = client.post(SEND, _form(client, agency_query="Sở Tư pháp"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Có nhiều cơ quan khớp: hãy chọn một trong danh sách." in page
    offered = re.findall(r'name="agency_choice" value="(\d+)"', page)
    assert len(offered) == 8
    response = client.post(SEND, _form(client, agency_query="Sở Tư pháp", agency_choice=offered[1]))
    assert response.status_code == 302
    assert Feedback.objects.get().agency_id == int(offered[1])


def test_the_honeypot_and_a_forged_question_stop_the_form(client):
    response = client.post(SEND, _form(client, website="http://spam.example"))
    assert response.status_code == 400
    # A token signed elsewhere, for a sum no new question can have (both terms are 1–9).
    forged = signing.dumps([0, 1], salt="not ours")
    response = client.post(SEND, _form(client, challenge_token=forged, challenge_answer="1"))
    assert response.status_code == 400
    assert "Câu trả lời kiểm tra chưa đúng." in response.content.decode()
    assert not Feedback.objects.exists()


def test_sending_is_limited_per_address_and_per_contact(client, settings):
    settings.MOTCUA_FEEDBACK_LIMIT_PER_IP = 2
    settings.MOTCUA_FEEDBACK_LIMIT_PER_CONTACT = 1
    assert client.post(SEND, _form(client)).status_code == 302
    response = client.post(SEND, _form(client))  # the same e-mail again today
    assert response.status_code == 429
    assert "Hãy thử lại vào ngày mai" in response.content.decode()
    assert client.post(SEND, _form(client, sender_email="khac@example.vn")).status_code == 302
    response = client.post(SEND, _form(client, sender_email="ba@example.vn"))
    assert response.status_code == 429
    assert "sau một giờ" in response.content.decode()
    assert Feedback.objects.count() == 2


def test_a_logged_in_citizen_names_their_dossier_without_contact_fields(client, returned, people):
    login_citizen(client, people["citizen"])
    page = client.get(SEND).content.decode()
    assert 'name="sender_email"' not in page
    assert "bằng mấy" not in page
    response = client.post(
        SEND,
        {"kind": "reflection", "subject": "dossier", "dossier_code": returned.code,
         "content": "Cán bộ hẹn trả kết quả nhưng trễ hai ngày."},
    )  # fmt: skip
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.sender == people["citizen"]
    assert feedback.dossier == returned
    assert feedback.sender_email == "mai@example.vn"


def test_an_anonymous_sender_names_a_dossier_with_the_lookup_second_factor(client, returned):
    data = _form(client, subject="dossier", agency_query="", dossier_code=returned.code)
    response = client.post(SEND, {**data, "dossier_check": "0999999999"})
    assert response.status_code == 400
    assert "Không tìm thấy hồ sơ" in response.content.decode()
    data = _form(client, subject="dossier", agency_query="", dossier_code=returned.code)
    assert client.post(SEND, {**data, "dossier_check": PHONE}).status_code == 302
    assert Feedback.objects.get().dossier == returned


def test_a_forged_or_changed_follow_up_link_finds_nothing(client, send):
    feedback = send()
    path = services.follow_path(feedback)
    assert client.get(path).status_code == 200
    assert client.get(path[:-3] + "xx/").status_code == 404
    other = signing.dumps(str(feedback.public_id), salt="another.salt", compress=True)
    assert client.get(f"/phan-anh-kien-nghi/theo-doi/{other}/").status_code == 404


def test_staff_answer_and_publish_from_their_pages_and_the_sender_rates(client, send, people):
    feedback = send(content="Phí sao y có đúng 2.000 đồng một trang không? ĐT 0912345678")
    login_staff(client, people["clerk"])
    page = client.get("/can-bo/phan-anh-kien-nghi/").content.decode()
    assert feedback.code in page
    base = f"/can-bo/phan-anh-kien-nghi/{feedback.public_id}/"
    response = client.post(base + "classify/", {"classify-decision": "accept"})
    assert response.status_code == 400
    assert "Hãy chọn phân loại phản ánh." in response.content.decode()
    response = client.post(
        base + "classify/",
        {"classify-decision": "accept", "classify-feedback_class": FeedbackClass.REGULATION},
    )
    assert response.status_code == 302
    # A clerk does not answer; the specialist does.
    assert client.post(base + "answer/", {"answer-text": "x"}).status_code == 403
    login_staff(client, people["specialist"])
    response = client.post(base + "answer/", {"answer-text": "Đúng, theo Thông tư 265."})
    assert response.status_code == 302
    login_staff(client, people["leader"])
    page = client.get(base).content.decode()
    assert "0912345678" not in page.split('id="thao-tac-publish"')[1]
    response = client.post(
        base + "publish/",
        {"publish-question": "Phí sao y, gọi 0912345678", "publish-answer": "Đúng."},
    )
    assert response.status_code == 400
    assert "còn thông tin cá nhân: số điện thoại" in response.content.decode()
    assert "Phí sao y, gọi 0912345678" in response.content.decode()  # what was typed is kept
    response = client.post(
        base + "publish/",
        {"publish-question": "Phí sao y có đúng 2.000 đồng một trang?",
         "publish-answer": "Đúng, theo Thông tư 265."},
    )  # fmt: skip
    assert response.status_code == 302
    client.logout()

    listing = client.get("/phan-anh-kien-nghi/?q=phi sao y").content.decode()
    assert feedback.code in listing
    detail = client.get(f"/phan-anh-kien-nghi/hoi-dap/{feedback.code}/").content.decode()
    assert "Thông tư 265" in detail
    assert "Nguyễn Văn Bình" not in detail

    follow = services.follow_path(feedback)
    assert "Thông tư 265" in client.get(follow).content.decode()
    response = client.post(follow + "danh-gia/", {"rating-rating": "satisfied"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.rating == "satisfied"
    assert "Bạn đã đánh giá: Hài lòng." in client.get(follow).content.decode()


def test_another_agency_staff_get_404_on_an_item(client, send, people):
    feedback = send()
    login_staff(client, people["other_specialist"])
    assert client.get(f"/can-bo/phan-anh-kien-nghi/{feedback.public_id}/").status_code == 404
    assert feedback.code not in client.get("/can-bo/phan-anh-kien-nghi/").content.decode()


def test_the_public_list_shows_only_published_answers_and_searches_without_diacritics(
    client, send, people
):
    hidden = send(content="Chưa trả lời về đất đai")
    shown = send(content="Hỏi về đăng ký kết hôn")
    services.classify(shown, actor=people["clerk"], decision="accept",
                      feedback_class=FeedbackClass.REGULATION)  # fmt: skip
    services.answer(shown, actor=people["specialist"], text="Kết hôn đăng ký tại xã.")
    services.publish(shown, actor=people["leader"], question="Hỏi về đăng ký kết hôn",
                     answer_text="Kết hôn đăng ký tại Ủy ban nhân dân xã.")  # fmt: skip
    page = client.get("/phan-anh-kien-nghi/").content.decode()
    assert shown.code in page
    assert hidden.code not in page
    assert shown.code in client.get("/phan-anh-kien-nghi/?q=ket hon").content.decode()
    assert shown.code not in client.get("/phan-anh-kien-nghi/?q=dat dai").content.decode()
    assert client.get(f"/phan-anh-kien-nghi/hoi-dap/{hidden.code}/").status_code == 404


# --- Rating a dossier -------------------------------------------------------------------------


def test_the_signed_link_rates_without_logging_in_once(client, returned):
    path = f"/phan-anh-kien-nghi/danh-gia/{rules.rating_token(returned)}/"
    page = client.get(path).content.decode()
    assert "Mức độ hài lòng chung" in page
    assert "Chất lượng dịch vụ công trực tuyến" in page
    response = client.post(path, {"c_ease": "3"})
    assert response.status_code == 400
    assert "Hãy chọn mức độ hài lòng chung." in response.content.decode()
    response = client.post(path, {"c_overall": "2", "c_attitude": "1", "comment": "Chờ lâu"})
    assert response.status_code == 302
    rating = DossierRating.objects.get(dossier=returned)
    assert rating.via_link
    assert rating.levels == {"overall": 2, "attitude": 1}
    assert FollowUp.objects.filter(dossier=returned).exists()
    assert "Hồ sơ đã được đánh giá" in client.get(path).content.decode()
    response = client.post(path, {"c_overall": "3"})
    assert "đã được đánh giá" in response.content.decode()
    assert DossierRating.objects.count() == 1


def test_an_expired_or_forged_rating_link_is_refused(client, returned):
    token = rules.rating_token(returned)
    later = datetime.now().timestamp() + 91 * 86400
    with mock.patch("time.time", return_value=later):
        assert client.get(f"/phan-anh-kien-nghi/danh-gia/{token}/").status_code == 404
    forged = signing.dumps(str(returned.public_id), salt="x", compress=True)
    response = client.get(f"/phan-anh-kien-nghi/danh-gia/{forged}/")
    assert response.status_code == 404
    assert "hết hạn hoặc không đúng" in response.content.decode()


def test_the_citizen_rates_from_their_dossier_page(client, returned, people):
    login_citizen(client, people["citizen"])
    page = client.get(f"/ho-so/{returned.public_id}/").content.decode()
    assert f"/phan-anh-kien-nghi/danh-gia/ho-so/{returned.public_id}/" in page
    path = f"/phan-anh-kien-nghi/danh-gia/ho-so/{returned.public_id}/"
    assert client.post(path, {"c_overall": "3"}).status_code == 302
    assert (
        "Bạn đã đánh giá hồ sơ: Rất hài lòng."
        in client.get(f"/ho-so/{returned.public_id}/").content.decode()
    )


def test_someone_else_cannot_rate_a_dossier_from_the_account_page(client, returned):
    from tests.fixtures.accounts import make_citizen

    login_citizen(client, make_citizen("Người Khác"))
    path = f"/phan-anh-kien-nghi/danh-gia/ho-so/{returned.public_id}/"
    assert client.post(path, {"c_overall": "1"}).status_code == 404
    assert not DossierRating.objects.exists()


def test_the_result_returned_message_carries_the_signed_rating_link(returned):
    from motcua.dossiers.handlers import _context

    context = _context(returned, "dossier_result_returned", mock.Mock(payload={}))
    token = context["rating_link"].rsplit("/danh-gia/", 1)[1].strip("/")
    assert rules.read_token(token, rules.RATING_SALT, 90) == str(returned.public_id)


def test_staff_close_a_follow_up_from_the_back_office(client, returned, people):
    rating = services.rate_dossier(returned, {"overall": 1})
    followup = FollowUp.objects.get(rating=rating)
    login_staff(client, people["specialist"])
    assert (
        returned.code
        in client.get("/can-bo/phan-anh-kien-nghi/theo-doi-danh-gia/").content.decode()
    )
    path = f"/can-bo/phan-anh-kien-nghi/theo-doi-danh-gia/{followup.pk}/"
    response = client.post(path, {"close-text": ""})
    assert response.status_code == 400
    assert client.post(path, {"close-text": "Đã gọi điện xin lỗi."}).status_code == 302
    followup.refresh_from_db()
    assert followup.closed_at is not None
    login_staff(client, people["other_specialist"])
    assert client.get(path).status_code == 404


def test_mail_is_sent_at_each_step_to_an_anonymous_sender(send, people, mailoutbox):
    feedback = send()
    services.classify(feedback, actor=people["clerk"], decision="accept",
                      feedback_class=FeedbackClass.CONDUCT)  # fmt: skip
    services.request_info(feedback, actor=people["specialist"], text="Cho biết giờ đến.")
    outbox.dispatch_pending()
    subjects = [m.subject for m in mailoutbox]
    assert any("Đã tiếp nhận" in s for s in subjects)
    assert any("cần bổ sung thông tin" in s for s in subjects)
    assert "Cho biết giờ đến." in mailoutbox[-1].body
    assert all(m.to == ["binh@example.vn"] for m in mailoutbox)
    feedback.refresh_from_db()
    assert feedback.state == State.AWAITING_INFO


def test_attachments_are_checked_and_read_only_by_the_agency_staff(client, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.documents.tests.samples import EICAR, EXE, PNG

    # A file of the wrong type is listed with the form's other problems.
    exe = SimpleUploadedFile("don.pdf", EXE, content_type="application/pdf")
    response = client.post(SEND, {**_form(client, content=""), "files": [exe]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“don.pdf”" in page
    assert "Nội dung phản ánh" in page
    # Malware is found when the form is otherwise right, and nothing is registered.
    bad = SimpleUploadedFile("anh.png", PNG + EICAR, content_type="image/png")
    response = client.post(SEND, {**_form(client), "files": [bad]})
    assert response.status_code == 400
    assert "mã độc" in response.content.decode()
    assert not Feedback.objects.exists()
    good = SimpleUploadedFile("anh-chup.png", PNG, content_type="image/png")
    data = _form(client, agency_query=people["clerk"].agency.code)
    assert client.post(SEND, {**data, "files": [good]}).status_code == 302
    attached = Feedback.objects.get().attachments.get().file
    download = f"/tep/{attached.public_id}/"
    login_staff(client, people["specialist"])
    item = Feedback.objects.get()
    assert download in client.get(f"/can-bo/phan-anh-kien-nghi/{item.public_id}/").content.decode()
    assert client.get(download).status_code == 200
    login_staff(client, people["other_specialist"])
    assert client.get(download).status_code == 404
