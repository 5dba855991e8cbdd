"""Family preparedness plans: create, open with code + passphrase, update, delete, link to a case, release.

Invariants:
- the plan's content and documents are sealed; the plan code is stored only as a keyed digest, the passphrase only
  as a Django password hash — a database dump yields neither;
- `open_plan` gives the same answer (None) for an unknown code and a wrong passphrase, and spends a password check
  either way, so neither the answer nor its time says whether a code exists; surfaces rate-limit it;
- the network reads a plan only through `released_plan` (audited), after `approve_release` was called by a coordinator
  of the case's group AND by the case's attorney (each audited), on a case whose detention is confirmed (a confirmed
  incident, or a locator check that found the person); the family contact is then told;
- plans expire PLAN_KEEP after their last update (`purge_expired`, a periodic job) and are deleted at the family's
  request at once, documents included.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import logging
import secrets
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from vigil.accounts.access import AnyUser, audit, group_ids
from vigil.accounts.models import Role, User
from vigil.cases import access, blind, services
from vigil.cases.models import Case, FamilyPlan, LocatorCheck, LocatorResult, PlanApproval, PlanDocument
from vigil.hotline.models import Verdict
from vigil.lib.errors import VigilError
from vigil.vault import seal, unseal

logger = logging.getLogger(__name__)

P_PLAN = "family-plan"
P_DOC_NAME = "family-plan-document-name"
P_DOC = "family-plan-document"
PLAN_KEEP = dt.timedelta(days=365)
MAX_DOCUMENTS = 6
DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/heic", "image/webp"}
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on a phone
_LOWER_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@functools.cache
def _dummy_hash() -> str:
    """A hash to check wrong codes against, so they cost what a wrong passphrase costs."""
    return make_password(secrets.token_urlsafe(16))


@dataclass
class Contact:
    name: str = ""
    phone: str = ""
    relationship: str = ""


@dataclass
class PlanContent:
    contacts: list[Contact] = field(default_factory=list)
    notify_phone: str = ""  # the family contact told when the plan is released
    caregiver_name: str = ""
    caregiver_phone: str = ""
    children: str = ""
    medical: str = ""
    wishes: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PlanContent:
        raw = json.loads(text)
        contacts = [Contact(**c) for c in raw.pop("contacts", [])]
        return cls(contacts=contacts, **raw)


def _code_digest(code: str) -> str:
    return blind.digest("plan-code", normal_code(code))


def normal_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _new_passphrase() -> str:
    groups = ["".join(secrets.choice(_LOWER_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def _validate(content: PlanContent) -> None:
    # The text guard does not read a plan: a plan is a family writing down its own private life (children, their
    # school, medicines, who cares for them) for its own legal team, sealed and released only with two approvals.
    # The guard exists to keep such details out of reports that reach observers and dispatchers.
    errors: dict[str, list[ValidationError]] = {}
    for name in ("children", "medical", "wishes", "caregiver_name"):
        text = getattr(content, name)
        if len(text) > services.MAX_TEXT:
            errors.setdefault(name, []).append(ValidationError(gettext_lazy("At most 4000 characters.")))
    phones = [("notify_phone", content.notify_phone), ("caregiver_phone", content.caregiver_phone)]
    phones += [("contacts", c.phone) for c in content.contacts]
    for name, phone in phones:
        if phone.strip() and not services.PHONE.fullmatch(phone.strip()):
            errors.setdefault(name, []).append(
                ValidationError(gettext_lazy("A phone number has 7 to 20 digits, spaces or dashes."))
            )
    if errors:
        raise VigilError.invalid(errors)


def create_plan(*, content: PlanContent, language: str) -> tuple[FamilyPlan, str, str]:
    """Make a plan; returns (plan, code, passphrase). The code and passphrase are shown once and never stored."""
    _validate(content)
    now = timezone.now()
    for _attempt in range(5):
        code = _new_code()
        digest = _code_digest(code)
        if not FamilyPlan.objects.filter(code_digest=digest).exists():
            break
    else:  # pragma: no cover - 31**12 codes
        raise VigilError(_("Please try again."), code="busy", status=503)
    passphrase = _new_passphrase()
    plan = FamilyPlan.objects.create(
        code_digest=digest,
        passphrase_hash=make_password(passphrase),
        content_sealed=seal(content.to_json(), purpose=P_PLAN),
        language=language if language in ("en", "es") else "en",
        updated_at=now,
        expires_at=now + PLAN_KEEP,
    )
    return plan, code, passphrase


def open_plan(*, code: str, passphrase: str) -> FamilyPlan | None:
    """The plan for `code` if `passphrase` is right; None otherwise (unknown code and wrong passphrase alike)."""
    plan = FamilyPlan.objects.filter(code_digest=_code_digest(code), expires_at__gt=timezone.now()).first()
    if plan is None:
        check_password(passphrase, _dummy_hash())
        return None
    return plan if check_password(passphrase, plan.passphrase_hash) else None


def content_of(plan: FamilyPlan) -> PlanContent:
    return PlanContent.from_json(unseal(plan.content_sealed, purpose=P_PLAN))


def update_plan(*, plan: FamilyPlan, content: PlanContent) -> FamilyPlan:
    """Replace the plan's content; renews it for another PLAN_KEEP."""
    _validate(content)
    now = timezone.now()
    plan.content_sealed = seal(content.to_json(), purpose=P_PLAN)
    plan.updated_at = now
    plan.expires_at = now + PLAN_KEEP
    plan.save(update_fields=["content_sealed", "updated_at", "expires_at"])
    return plan


def add_document(*, plan: FamilyPlan, name: str, media_type: str, data: bytes) -> PlanDocument:
    limit = settings.VIGIL_PLAN_DOCUMENT_MAX_BYTES
    if len(data) > limit:
        raise VigilError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024) or 1},
            code="too_large",
            status=413,
        )
    if not data:
        raise VigilError(_("The file is empty."), code="invalid")
    if media_type not in DOCUMENT_TYPES:
        raise VigilError(_("Send a PDF or a photo (JPEG, PNG, HEIC, WebP)."), code="invalid")
    with transaction.atomic():
        if PlanDocument.objects.filter(plan=plan).count() >= MAX_DOCUMENTS:
            raise VigilError(_("A plan holds at most 6 documents."), code="too_many")
        doc = PlanDocument.objects.create(
            plan=plan,
            name_sealed=seal(name[:200] or "document", purpose=P_DOC_NAME),
            media_type=media_type,
            size=len(data),
            data_sealed=seal(base64.b64encode(data).decode("ascii"), purpose=P_DOC),
        )
        FamilyPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now(), expires_at=timezone.now() + PLAN_KEEP)
    return doc


def document_data(doc: PlanDocument) -> tuple[str, bytes]:
    return unseal(doc.name_sealed, purpose=P_DOC_NAME), base64.b64decode(unseal(doc.data_sealed, purpose=P_DOC))


def delete_plan(*, plan: FamilyPlan) -> None:
    """The family deletes its plan: content, documents and approvals go at once."""
    with transaction.atomic():
        if plan.case_id is not None:
            case = Case.objects.get(pk=plan.case_id)
            services.record_event(case, "plan_deleted", None)
        plan.delete()


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete plans whose time ran out (PLAN_KEEP after the last update), documents included. Returns how many."""
    _total, rows = FamilyPlan.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return rows.get("cases.FamilyPlan", 0)


# --- the network side ------------------------------------------------------------------------------------------------


def detention_confirmed(case: Case) -> bool:
    if case.incident is not None and case.incident.verdict == Verdict.CONFIRMED:
        return True
    return LocatorCheck.objects.filter(case=case, result=LocatorResult.FOUND).exists()


def link_plan(*, case: Case, actor: User, code: str) -> FamilyPlan:
    """The family gave the case team their plan code: link the plan to the case (nothing is readable yet)."""
    plan = FamilyPlan.objects.filter(code_digest=_code_digest(code), expires_at__gt=timezone.now()).first()
    if plan is None:
        raise VigilError(_("No plan has that code (or it expired)."), code="no_plan", status=404)
    if plan.case_id is not None and plan.case_id != case.pk:
        raise VigilError(_("That plan is linked to another case."), code="linked_elsewhere", status=409)
    with transaction.atomic():
        plan.case = case
        plan.save(update_fields=["case"])
        services.record_event(case, "plan_linked", actor, plan=plan.pk)
        audit(actor, "plan.link", object_type="cases.FamilyPlan", object_id=plan.pk, case=case.pk)
    return plan


def _approver_role(user: AnyUser, case: Case) -> str | None:
    if case.attorney_id is not None and user.pk == case.attorney_id:
        return Role.ATTORNEY
    if case.group_id in group_ids(user, [Role.COORDINATOR]):
        return Role.COORDINATOR
    return None


def approve_release(*, case: Case, actor: User) -> FamilyPlan:
    """One of the two approvals; the second one releases the plan and tells the family."""
    plan = FamilyPlan.objects.filter(case=case).first()
    if plan is None:
        raise VigilError(_("No plan is linked to this case."), code="no_plan", status=404)
    role = _approver_role(actor, case)
    if role is None:
        raise VigilError(
            _("A release is approved by a coordinator of the group and by the case's attorney."),
            code="forbidden",
            status=403,
        )
    if not detention_confirmed(case):
        raise VigilError(
            _("The detention is not confirmed yet (a confirmed incident or a locator check that found the person)."),
            code="not_confirmed",
            status=409,
        )
    with transaction.atomic():
        locked = FamilyPlan.objects.select_for_update().get(pk=plan.pk)
        if PlanApproval.objects.filter(plan=locked, case=case, role=role).exists():
            raise VigilError(_("This approval was already given."), code="already", status=409)
        PlanApproval.objects.create(plan=locked, case=case, user=actor, role=role)
        audit(actor, "plan.approve", object_type="cases.FamilyPlan", object_id=locked.pk, case=case.pk, role=role)
        services.record_event(case, "plan_approved", actor, role=role)
        roles = set(PlanApproval.objects.filter(plan=locked, case=case).values_list("role", flat=True))
        if {Role.ATTORNEY, Role.COORDINATOR} <= roles and locked.released_at is None:
            locked.released_at = timezone.now()
            locked.save(update_fields=["released_at"])
            audit(actor, "plan.release", object_type="cases.FamilyPlan", object_id=locked.pk, case=case.pk)
            services.record_event(case, "plan_released", actor)
            if settings.TWILIO_ACCOUNT_SID:
                transaction.on_commit(functools.partial(text_family_about_release.enqueue, plan_id=locked.pk))
    return locked


def text_family(*, plan_id: int) -> bool:
    """Tell the plan's family contact that the legal team opened the plan (in the worker; the number stays sealed
    until here)."""
    from vigil.network.notify import NotifyError, send_sms

    plan = FamilyPlan.objects.filter(pk=plan_id, released_at__isnull=False).first()
    if plan is None:
        return False
    phone = content_of(plan).notify_phone.strip()
    if not phone:
        return False
    with translation.override(plan.language):
        body = _(
            "Legal help team: a volunteer attorney is working on the case of your family member and opened your "
            "family preparedness plan, as two of us approved. You can still view, change or delete it with your code."
        )
    try:
        send_sms(to=phone, body=body)
    except NotifyError as e:
        logger.warning("plan release SMS for plan #%s failed: %s", plan_id, e)
        return False
    return True


def released_plan(user: AnyUser, case: Case) -> tuple[FamilyPlan, PlanContent]:
    """The released plan of `case` for a team member; 404 when there is none or it is not released. Audited."""
    if not access.team_cases(user).filter(pk=case.pk).exists():
        raise Http404
    plan = FamilyPlan.objects.filter(case=case, released_at__isnull=False).first()
    if plan is None:
        raise Http404
    audit(user, "plan.read", object_type="cases.FamilyPlan", object_id=plan.pk, case=case.pk)
    return plan, content_of(plan)


@task()
def text_family_about_release(*, plan_id: int) -> bool:
    """Tell a plan's family contact by SMS that the legal team opened their plan."""
    return text_family(plan_id=plan_id)
