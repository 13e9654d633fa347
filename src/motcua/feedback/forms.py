"""Forms of the feedback pages. A typed procedure or agency that matches several is answered
with a short list to choose from (radio buttons), so the form works without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.contacts import normalise_email, normalise_phone
from motcua.catalog.models import Field, Procedure
from motcua.core.forms import SiteForm, style_field
from motcua.units.keys import name_key
from motcua.units.models import Agency, Province

from . import rules
from .models import FeedbackClass, Kind, Level, Rating, Subject

MAX_FILES = 3
CANDIDATES = 8


def procedure_candidates(text: str) -> list[Procedure]:
    """Procedures a typed code or name may mean: an exact national or local code alone, else
    the best matches of the catalogue search."""
    from motcua.catalog.models import Listing
    from motcua.catalog.search import search_procedures

    text = (text or "").strip()[:200]
    if not text:
        return []
    exact = Procedure.objects.filter(code=text, is_active=True).first()
    if exact is None:
        listing = Listing.objects.filter(local_code=text).select_related("procedure").first()
        exact = listing.procedure if listing else None
    if exact is not None:
        return [exact]
    ids = search_procedures(text).procedure_ids[:CANDIDATES]
    found = Procedure.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


def agency_candidates(text: str) -> list[Agency]:
    text = (text or "").strip()[:200]
    if not text:
        return []
    active = Agency.objects.active()
    exact = list(active.filter(code=text)) or list(active.by_name(text)[:CANDIDATES])
    if exact:
        return exact
    words = name_key(text).split()
    if not words:
        return []
    matches = active
    for word in words[:8]:
        matches = matches.filter(name_key__contains=word)
    return list(matches.order_by("depth", "sort_key")[:CANDIDATES])


class FeedbackForm(SiteForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Bạn muốn gửi"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Phản ánh: ý kiến về quy định, thủ tục hành chính (vướng mắc, bất hợp lý, không "
            "thống nhất…). Kiến nghị: phản ánh kèm giải pháp bạn đề xuất."
        ),
    )
    subject = forms.ChoiceField(
        label=gettext_lazy("Phản ánh về"), choices=Subject.choices, widget=forms.RadioSelect
    )
    procedure_query = forms.CharField(
        label=gettext_lazy("Thủ tục: mã hoặc tên"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Ví dụ: 1.001193 hoặc “đăng ký khai sinh”."),
    )
    procedure_choice = forms.TypedChoiceField(
        label=gettext_lazy("Chọn thủ tục"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    agency_query = forms.CharField(
        label=gettext_lazy("Cơ quan: mã hoặc tên"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Ví dụ: Sở Tư pháp tỉnh Lâm Đồng."),
    )
    agency_choice = forms.TypedChoiceField(
        label=gettext_lazy("Chọn cơ quan"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    staff_description = forms.CharField(
        label=gettext_lazy("Cán bộ được phản ánh"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Tên, chức vụ hoặc mô tả cán bộ, nơi làm việc, thời gian."),
    )
    dossier_code = forms.CharField(label=gettext_lazy("Mã hồ sơ"), required=False, max_length=40)
    dossier_check = forms.CharField(
        label=gettext_lazy("Số điện thoại hoặc số định danh cá nhân của người nộp hồ sơ"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("Như khi tra cứu hồ sơ, để xác nhận hồ sơ là của bạn."),
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("Tỉnh, thành phố"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=gettext_lazy("— Chọn tỉnh, thành phố —"),
        help_text=gettext_lazy(
            "Phản ánh được chuyển đến cơ quan của tỉnh giải quyết thủ tục, hoặc Ủy ban nhân "
            "dân tỉnh."
        ),
    )
    content = forms.CharField(
        label=gettext_lazy("Nội dung phản ánh"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    proposal = forms.CharField(
        label=gettext_lazy("Giải pháp đề xuất (bắt buộc với kiến nghị)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    sender_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=120)
    sender_email = forms.CharField(
        label=gettext_lazy("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    sender_phone = forms.CharField(
        label=gettext_lazy("Số điện thoại di động"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("Cần ít nhất e-mail hoặc số điện thoại để nhận trả lời."),
    )
    consent_publish = forms.BooleanField(
        label=gettext_lazy(
            "Tôi đồng ý công khai câu hỏi và trả lời, đã bỏ tên và thông tin liên hệ của tôi"
        ),
        required=False,
    )
    #: Anti-abuse, for senders without an account: a field people leave empty, and a question.
    website = forms.CharField(
        label=gettext_lazy("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    challenge_answer = forms.CharField(
        label=gettext_lazy("Câu hỏi kiểm tra"), required=False, max_length=5
    )
    challenge_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.procedures: list[Procedure] = []
        self.agencies: list[Agency] = []
        self.dossier = None
        self.fields["challenge_answer"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )
        if self.user is not None:
            for name in ("sender_name", "sender_email", "sender_phone", "website",
                         "challenge_answer", "challenge_token", "dossier_check"):  # fmt: skip
                del self.fields[name]
        token = self.data.get("challenge_token") if self.is_bound else ""
        question = rules.challenge_question(token) if token else None
        if question is None and self.user is None:
            question, token = rules.new_challenge()
        self.challenge = question
        if self.user is None:
            self.fields["challenge_answer"].label = question
            self.initial["challenge_token"] = token
            if self.is_bound:
                data = self.data.copy()
                data["challenge_token"] = token
                self.data = data
        if self.is_bound:
            self._offer_candidates()

    def _offer_candidates(self) -> None:
        if self.data.get("subject") == Subject.PROCEDURE:
            self.procedures = procedure_candidates(self.data.get("procedure_query", ""))
        if self.data.get("subject") in (Subject.AGENCY, Subject.STAFF):
            self.agencies = agency_candidates(self.data.get("agency_query", ""))
        self.fields["procedure_choice"].choices = [
            (p.pk, f"{p.code} – {p.name[:150]}") for p in self.procedures
        ]
        self.fields["agency_choice"].choices = [(a.pk, a.name) for a in self.agencies]
        for name in ("procedure_choice", "agency_choice"):
            style_field(self.fields[name])

    @property
    def offers_procedures(self) -> bool:
        return len(self.procedures) > 1

    @property
    def offers_agencies(self) -> bool:
        return len(self.agencies) > 1

    def _pick(self, candidates, choice_field: str, query_field: str, what: str):
        chosen = self.cleaned_data.get(choice_field)
        if chosen is not None:
            return next((c for c in candidates if c.pk == chosen), None)
        if len(candidates) == 1:
            return candidates[0]
        if not (self.cleaned_data.get(query_field) or "").strip():
            self.add_error(query_field, _("Hãy nhập mã hoặc tên %(what)s.") % {"what": what})
        elif not candidates:
            self.add_error(
                query_field,
                _("Không tìm thấy %(what)s nào khớp. Hãy kiểm tra lại.") % {"what": what},
            )
        else:
            self.add_error(
                choice_field,
                _("Có nhiều %(what)s khớp: hãy chọn một trong danh sách.") % {"what": what},
            )
        return None

    def clean(self):
        data = super().clean()
        subject = data.get("subject")
        data["procedure"] = data["subject_agency"] = None
        if subject == Subject.PROCEDURE:
            data["procedure"] = self._pick(
                self.procedures, "procedure_choice", "procedure_query", _("thủ tục")
            )
        elif subject == Subject.AGENCY:
            data["subject_agency"] = self._pick(
                self.agencies, "agency_choice", "agency_query", _("cơ quan")
            )
        elif subject == Subject.STAFF:
            if not (data.get("staff_description") or "").strip():
                self.add_error("staff_description", _("Hãy mô tả cán bộ bạn phản ánh."))
            if (data.get("agency_query") or "").strip():
                data["subject_agency"] = self._pick(
                    self.agencies, "agency_choice", "agency_query", _("cơ quan")
                )
        elif subject == Subject.DOSSIER:
            self._clean_dossier(data)
        procedure = data.get("procedure")
        without_ministry = procedure is not None and not procedure.ministry_id
        needs_province = (subject == Subject.STAFF and not data.get("subject_agency")) or (
            subject == Subject.PROCEDURE and without_ministry
        )
        if needs_province and not data.get("province"):
            self.add_error("province", _("Hãy chọn tỉnh, thành phố."))
        if data.get("kind") == Kind.RECOMMENDATION and not (data.get("proposal") or "").strip():
            self.add_error("proposal", _("Kiến nghị cần có giải pháp bạn đề xuất."))
        if self.user is None:
            self._clean_contact(data)
            self._clean_challenge(data)
        return data

    def _clean_dossier(self, data) -> None:
        from motcua.dossiers import selectors as dossier_selectors

        code = (data.get("dossier_code") or "").strip()
        if not code:
            self.add_error("dossier_code", _("Hãy nhập mã hồ sơ."))
            return
        if self.user is not None:
            found = dossier_selectors.citizen_dossiers(self.user).filter(code=code).first()
        else:
            check = (data.get("dossier_check") or "").strip()
            if not check:
                self.add_error(
                    "dossier_check",
                    _("Hãy nhập số điện thoại hoặc số định danh của người nộp hồ sơ."),
                )
                return
            found = dossier_selectors.find_by_code(code, check)
        if found is None:
            self.add_error("dossier_code", _("Không tìm thấy hồ sơ khớp với mã và số đã nhập."))
        self.dossier = found

    def _clean_contact(self, data) -> None:
        email = (data.get("sender_email") or "").strip()
        phone = (data.get("sender_phone") or "").strip()
        if email and normalise_email(email) is None:
            self.add_error("sender_email", _("E-mail chưa đúng, ví dụ ten@example.vn."))
        if phone and normalise_phone(phone) is None:
            self.add_error(
                "sender_phone", _("Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 0.")
            )
        if not email and not phone:
            self.add_error("sender_email", _("Hãy nhập e-mail hoặc số điện thoại để nhận trả lời."))
        data["sender_email"] = normalise_email(email) or ""
        data["sender_phone"] = normalise_phone(phone) or ""

    def _clean_challenge(self, data) -> None:
        if (data.get("website") or "").strip():
            self.add_error(None, _("Không gửi được. Hãy để trống ô “Để trống ô này”."))
        token = self.data.get("challenge_token", "")
        if not rules.challenge_passed(token, data.get("challenge_answer", "")):
            self.add_error(
                "challenge_answer",
                _("Câu trả lời kiểm tra chưa đúng. Hãy viết kết quả bằng chữ số, ví dụ 8."),
            )


class ClassifyForm(SiteForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Phân loại, xử lý"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", gettext_lazy("Thụ lý (thuộc thẩm quyền)")),
            ("transfer", gettext_lazy("Không thuộc thẩm quyền: chuyển cơ quan có thẩm quyền")),
            ("reject", gettext_lazy("Không thụ lý (từ chối, ghi lý do)")),
        ],
    )
    feedback_class = forms.ChoiceField(
        label=gettext_lazy("Loại phản ánh (khi thụ lý)"),
        widget=forms.RadioSelect,
        required=False,
        choices=[c for c in FeedbackClass.choices if c[0]],
    )
    target = forms.CharField(
        label=gettext_lazy("Cơ quan chuyển đến: mã hoặc tên (khi chuyển)"),
        required=False,
        max_length=200,
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do (khi không thụ lý hoặc chuyển)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        data["target_agency"] = None
        if data.get("decision") == "transfer" and (data.get("target") or "").strip():
            found = agency_candidates(data["target"])
            if len(found) == 1:
                data["target_agency"] = found[0]
            elif not found:
                self.add_error("target", _("Không tìm thấy cơ quan nào khớp."))
            else:
                self.add_error(
                    "target",
                    _("Có nhiều cơ quan khớp: %(names)s. Hãy nhập mã cơ quan.")
                    % {"names": "; ".join(f"{a.name} ({a.code})" for a in found[:5])},
                )
        return data


class TextForm(SiteForm):
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, label="", initial_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        if initial_text:
            self.fields["text"].initial = initial_text


class PublishForm(SiteForm):
    question = forms.CharField(
        label=gettext_lazy("Nội dung công khai (đã bỏ thông tin cá nhân)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    answer = forms.CharField(
        label=gettext_lazy("Trả lời công khai"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class AnswerRatingForm(SiteForm):
    rating = forms.ChoiceField(
        label=gettext_lazy("Bạn có hài lòng với câu trả lời?"),
        widget=forms.RadioSelect,
        choices=[c for c in Rating.choices if c[0]],
    )


class PublicSearchForm(SiteForm):
    q = forms.CharField(label=gettext_lazy("Tìm trong hỏi đáp"), required=False, max_length=200)
    agency = forms.TypedChoiceField(
        label=gettext_lazy("Cơ quan trả lời"), required=False, coerce=int, empty_value=None
    )
    field = forms.TypedChoiceField(
        label=gettext_lazy("Lĩnh vực"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, agencies=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Tất cả"))] + [(a.pk, a.name) for a in agencies]
        self.fields["field"].choices = [("", _("Tất cả"))] + [(f.pk, f.name) for f in fields]


class DossierRatingForm(SiteForm):
    """One radio group per criterion; "overall" required, the others optional."""

    comment = forms.CharField(
        label=gettext_lazy("Góp ý thêm (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in reversed(rules.CRITERIA):
            choices = list(Level.choices)
            if not criterion.required:
                choices = [*choices, ("", _("Không đánh giá"))]
            field = forms.TypedChoiceField(
                label=criterion.label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=criterion.required,
                widget=forms.RadioSelect,
                error_messages={"required": _("Hãy chọn mức độ hài lòng chung.")},
            )
            self.fields = {f"c_{criterion.code}": style_field(field), **self.fields}

    def levels(self) -> dict[str, int]:
        return {
            code: self.cleaned_data.get(f"c_{code}")
            for code in rules.CRITERION_CODES
            if self.cleaned_data.get(f"c_{code}")
        }


def published_filters():
    """Agencies and fields that have published answers (for the public list's filters)."""
    from .models import Feedback, State

    published = Feedback.objects.filter(state=State.PUBLISHED)
    agencies = Agency.objects.filter(pk__in=published.values("agency_id")).order_by("sort_key")
    fields = Field.objects.filter(pk__in=published.values("field_id")).order_by("sort_key")
    return list(agencies), list(fields)
