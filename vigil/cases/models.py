"""Cases of detained people. Every identifying value is sealed (vigil.vault); lookups go through NameIndex digests.

Invariants:
- no plaintext name, alias, A-number, date of birth, country of birth, need or contact is stored: `*_sealed` fields hold
  vault blobs, NameIndex holds keyed digests (vigil.cases.blind);
- a case changes only through vigil.cases.services, which writes one CaseEvent per change in the same transaction;
- there is no field for any officer's personal data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    INTAKE = "intake", _("Intake")
    SCREENING = "screening", _("Screening")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")


# The only moves a case can make (the services refuse any other).
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseState.INTAKE: frozenset({CaseState.SCREENING, CaseState.CLOSED}),
    CaseState.SCREENING: frozenset({CaseState.ACCEPTED, CaseState.REFERRED, CaseState.DECLINED}),
    CaseState.ACCEPTED: frozenset({CaseState.CLOSED}),
    CaseState.REFERRED: frozenset({CaseState.CLOSED}),
    CaseState.DECLINED: frozenset({CaseState.CLOSED}),
    CaseState.CLOSED: frozenset(),
}


class CaseSource(models.TextChoices):
    INCIDENT = "incident", _("Confirmed incident")
    HOTLINE = "hotline", _("Hotline call from family")
    ATTORNEY = "attorney", _("Opened by an attorney")


class Unpaged(models.TextChoices):
    """Why an accepted case has no attorney and nobody is (still) paged: shown to the desk with the case."""

    NO_JURISDICTION = (
        "no_jurisdiction",
        _(
            "No jurisdiction yet: the facility is not known, so no attorney on call was paged. Record a locator "
            "check or assign an attorney."
        ),
    )
    NO_ROTA = "no_rota", _("Nobody is on the rota for this jurisdiction now, so no attorney was paged. Assign one.")
    ALL_PAGED = "all_paged", _("Every attorney on call was paged and nobody acknowledged. Assign one.")


class Case(models.Model):
    group = models.ForeignKey("accounts.Group", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=CaseState.choices, default=CaseState.INTAKE)
    reason = models.TextField(blank=True, help_text=_("Why it was accepted, referred, declined or closed"))
    source = models.CharField(max_length=16, choices=CaseSource.choices)
    incident = models.ForeignKey("hotline.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    jurisdiction = models.CharField(
        max_length=120, blank=True, help_text=_("Immigration court or federal district (from the facility)")
    )
    facility = models.ForeignKey("Facility", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    next_locator_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    unpaged = models.CharField(max_length=16, choices=Unpaged.choices, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["group", "state"])]

    def __str__(self) -> str:
        return f"case {self.pk} {self.state}"


class DetainedPerson(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="person")
    name_sealed = models.BinaryField()
    a_number_sealed = models.BinaryField(blank=True, default=b"")
    birth_date_sealed = models.BinaryField(blank=True, default=b"")
    country_of_birth_sealed = models.BinaryField(blank=True, default=b"")
    needs_sealed = models.BinaryField(blank=True, default=b"")
    language = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return f"person of case {self.case_id}"


class Alias(models.Model):
    person = models.ForeignKey(DetainedPerson, on_delete=models.CASCADE, related_name="aliases")
    name_sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"alias {self.pk}"


class FamilyContact(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family")
    name_sealed = models.BinaryField()
    phone_sealed = models.BinaryField(blank=True, default=b"")
    relationship = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return f"family contact {self.pk}"


class IndexKind(models.TextChoices):
    PERSON = "person", _("Detained person")
    ALIAS = "alias", _("Alias")
    FAMILY = "family", _("Family contact")
    A_NUMBER = "a_number", _("A-number")


class NameIndex(models.Model):
    """One keyed digest (vigil.cases.blind) of one form of a name or A-number of a case: what conflict checks read."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=IndexKind.choices)
    form = models.CharField(max_length=10)
    digest = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"{self.kind}/{self.form} of case {self.case_id}"


class CaseMember(models.Model):
    """Someone the case's attorney added to the case team."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} on case {self.case_id}"


class CaseEvent(models.Model):
    """Every change to a case, in order (who, what, when). `data` never holds a sealed value."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.kind}"


class CaseNote(models.Model):
    """A note of the case team, sealed (it may name the person); the text guard ran on it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"note {self.pk} of case {self.case_id}"


class Facility(models.Model):
    """A detention facility, from the imported table (`manage.py import_facilities`). Public information only."""

    code = models.CharField(max_length=40, unique=True, help_text=_("Stable key of the row in the imported table"))
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    field_office = models.CharField(max_length=120, blank=True)
    immigration_court = models.CharField(max_length=120, blank=True)
    federal_district = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name_plural = "facilities"

    def __str__(self) -> str:
        return self.name


class OnCall(models.Model):
    """One attorney on call for one jurisdiction (an immigration court or a federal district) for a time."""

    group = models.ForeignKey("accounts.Group", on_delete=models.CASCADE, related_name="+")
    attorney = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jurisdiction = models.CharField(max_length=120)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    order = models.PositiveSmallIntegerField(default=0, help_text=_("Who is paged first (lowest first)"))

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.attorney_id} on call for {self.jurisdiction}"


class CasePage(models.Model):
    """An accepted case offered to one on-call attorney; expires unanswered at `answer_by` and escalates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pages")
    attorney = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    answer_by = models.DateTimeField(db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"page of case {self.case_id} to {self.attorney_id}"


class LocatorResult(models.TextChoices):
    FOUND = "found", _("Found")
    NOT_FOUND = "not_found", _("Not found")


class LocatorCheck(models.Model):
    """A volunteer checked the public detainee locator or the court's case status by hand and wrote down the result."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="locator_checks")
    result = models.CharField(max_length=10, choices=LocatorResult.choices)
    facility = models.ForeignKey(Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transfer_from = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text=_("Set on a transfer")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"locator check {self.pk} of case {self.case_id}"


class HearingKind(models.TextChoices):
    BOND = "bond", _("Bond hearing")
    MASTER = "master", _("Master calendar hearing")
    INDIVIDUAL = "individual", _("Individual (merits) hearing")


class Hearing(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="hearings")
    outcome = models.CharField(max_length=16, blank=True, help_text=_("What the hearing decided"))
    kind = models.CharField(max_length=12, choices=HearingKind.choices)
    court = models.CharField(max_length=120)
    judge = models.CharField(max_length=120, blank=True, help_text=_("The immigration judge, as on the notice"))
    starts_at = models.DateTimeField(db_index=True)
    result = models.TextField(blank=True)
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} hearing of case {self.case_id}"


class Trigger(models.TextChoices):
    IJ_DECISION = "ij_decision", _("Immigration judge's decision")
    BOND_DECISION = "bond_decision", _("Immigration judge's bond decision")
    BIA_DECISION = "bia_decision", _("Board of Immigration Appeals decision")
    ARRIVAL = "arrival", _("Last arrival in the United States")


class HearingOutcome(models.TextChoices):
    IJ_DECISION = "ij_decision", _("Decision by the immigration judge")
    BOND_GRANTED = "bond_granted", _("Bond granted")
    BOND_DENIED = "bond_denied", _("Bond denied")
    CONTINUED = "continued", _("Continued or reset to another date")
    OTHER = "other", _("Other (no deadline follows)")


# The trigger of the deadline rule table that a hearing's outcome is (an outcome not listed triggers nothing).
OUTCOME_TRIGGER: dict[str, str] = {
    HearingOutcome.IJ_DECISION: Trigger.IJ_DECISION,
    HearingOutcome.BOND_GRANTED: Trigger.BOND_DECISION,
    HearingOutcome.BOND_DENIED: Trigger.BOND_DECISION,
}


class DeadlineRule(models.Model):
    """Trigger event → deadline after `days` calendar days. Kept by coordinators with the legal team; each cites its
    source. Vigil computes; the attorney checks (holidays, service by mail and tolling are theirs to judge)."""

    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    title = models.CharField(max_length=200)
    days = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text=_("The rule's source, e.g. 8 C.F.R. § 1003.38(b)"))
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trigger", "days", "pk"]

    def __str__(self) -> str:
        return f"{self.trigger} + {self.days} d: {self.title}"


class Deadline(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(DeadlineRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hearing = models.ForeignKey(
        Hearing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The hearing whose result triggered it"),
    )  # fmt: skip
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    triggered_on = models.DateField()
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    due_on = models.DateField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # A hearing's result fires each rule once, however often it is recorded.
            models.UniqueConstraint(
                fields=["hearing", "rule"], condition=models.Q(hearing__isnull=False), name="deadline_once_per_hearing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} of case {self.case_id} due {self.due_on}"


class CalendarToken(models.Model):
    """An attorney's private calendar feed. Only the SHA-256 of the token is stored; revoking ends the feed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class FamilyPlan(models.Model):
    """A family's preparedness plan, made on the public site without an account.

    The plan is one sealed JSON document; the plan code is kept only as a keyed digest (vigil.cases.blind) and the
    passphrase only as a Django password hash. Nobody in the network reads it until it is linked to a case with a
    confirmed detention and released by two approvals (the group's coordinator and the case's attorney).
    """

    code_digest = models.CharField(max_length=64, unique=True)
    passphrase_hash = models.CharField(max_length=200)
    content_sealed = models.BinaryField()
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="plans")
    released_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"family plan {self.pk}"


class PlanDocument(models.Model):
    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="documents")
    name_sealed = models.BinaryField()
    media_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    data_sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"document {self.pk} of plan {self.plan_id}"


class PlanApproval(models.Model):
    """One of the two approvals a plan's release needs: one by a coordinator, one by the case's attorney."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="approvals")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "case", "role"], name="plan_approval_one_per_role")]

    def __str__(self) -> str:
        return f"{self.role} approval of plan {self.plan_id}"
