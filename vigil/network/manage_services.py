"""Writes for the coordinators' pages: members, zones, observers, shifts and the network settings.

Each function takes keyword-only typed arguments, runs in one transaction and writes one audit row (never a
sensitive value). Callers pass objects they got through vigil.network.manage_selectors' access functions.
Refusals raise ManageError with a translated message for the coordinator.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Collection, Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.access import audit
from vigil.accounts.models import Membership, Role, User
from vigil.network import zones as zone_geometry
from vigil.network.manage_selectors import cells_taken_elsewhere
from vigil.network.models import Group, NetworkSettings, Observer, Shift, Zone, ZoneCell
from vigil.vault import seal, unseal

PHONE_PURPOSE = "observer-phone"
NOTIFY_CHANNELS = ("inbox", "email", "sms")
MAX_SHIFT_HOURS = 12  # as long as an observer may go on shift (vigil.network.services)
_PHONE_STRIP = re.compile(r"[\s().-]")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")

# Sane ranges for the network settings: (minimum, maximum). The form and the service both enforce them.
SETTINGS_RANGES: Mapping[str, tuple[int, int]] = {
    "cluster_meters": (50, 5000),
    "cluster_minutes": (5, 720),
    "dispatch_pair_size": (1, 6),
    "dispatch_accept_seconds": (30, 1800),
    "checkin_minutes": (5, 180),
    "contact_retention_days": (1, 90),
}


class ManageError(ValueError):
    """A coordinator's change that cannot be made; the message says why, in the coordinator's language."""


# --- members ----------------------------------------------------------------------------------------------------------


def _ensure_observer(*, user: User, group: Group) -> Observer:
    observer = Observer.objects.filter(user=user).first()
    if observer is None:
        return Observer.objects.create(user=user, group=group, languages=[user.language or "en"], notify_by=["inbox"])
    if observer.group_id != group.pk:
        raise ManageError(
            _("%(user)s is already an observer of another group; an observer belongs to one group.")
            % {"user": user.get_username()}
        )
    if not observer.active:
        observer.active = True
        observer.save(update_fields=["active"])
    return observer


def add_member(*, actor: User, group: Group, user: User, role: Role) -> Membership:
    """Give `user` `role` in `group` (an observer role also creates their observer record)."""
    with transaction.atomic():
        if Membership.objects.filter(user=user, group=group, role=role).exists():
            raise ManageError(
                _("%(user)s already holds the role %(role)s here.") % {"user": user.get_username(), "role": role.label}
            )
        if role == Role.OBSERVER:
            _ensure_observer(user=user, group=group)
        membership = Membership.objects.create(user=user, group=group, role=role)
        audit(actor, "membership.add", object_type="group", object_id=group.pk, user_id=user.pk, role=str(role))
    return membership


def create_volunteer(
    *,
    actor: User,
    group: Group,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    role: Role,
) -> tuple[User, str]:
    """Create an account with `role` in `group`; returns the user and a one-time password to hand over."""
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ManageError(_("The username %(username)s is taken.") % {"username": username})
        try:
            user = User.objects.create_user(
                username=username,
                password=password,
                email=email,
                first_name=first_name,
                last_name=last_name,
                language=language,
            )
        except IntegrityError:  # pragma: no cover - a concurrent request took the name
            raise ManageError(_("The username %(username)s is taken.") % {"username": username}) from None
        if role == Role.OBSERVER:
            _ensure_observer(user=user, group=group)
        Membership.objects.create(user=user, group=group, role=role)
        audit(actor, "user.create", object_type="user", object_id=user.pk, group_id=group.pk, role=str(role))
    return user, password


def remove_role(*, actor: User, membership: Membership) -> None:
    """Take a role away. The last coordinator of a group stays (someone must be able to manage it)."""
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=membership.group_id)
        if membership.role == Role.COORDINATOR:
            others = Membership.objects.filter(group=group, role=Role.COORDINATOR).exclude(pk=membership.pk)
            if not others.exists():
                raise ManageError(_("A group needs at least one coordinator: add another before removing this one."))
        if membership.role == Role.OBSERVER:
            Observer.objects.filter(user_id=membership.user_id, group=group).update(active=False)
        audit(
            actor,
            "membership.remove",
            object_type="group",
            object_id=group.pk,
            user_id=membership.user_id,
            role=membership.role,
        )
        membership.delete()


# --- zones ------------------------------------------------------------------------------------------------------------


def _clean_zone_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ManageError(_("A zone needs a name."))
    if len(name) > 120:
        raise ManageError(_("A zone name has at most 120 characters."))
    return name


def create_zone(*, actor: User, group: Group, name: str) -> Zone:
    name = _clean_zone_name(name)
    with transaction.atomic():
        if Zone.objects.filter(group=group, name__iexact=name).exists():
            raise ManageError(_("This group already has a zone called %(name)s.") % {"name": name})
        zone = Zone.objects.create(group=group, name=name)
        audit(actor, "zone.create", object_type="zone", object_id=zone.pk, group_id=group.pk, name=name)
    return zone


def rename_zone(*, actor: User, zone: Zone, name: str) -> Zone:
    name = _clean_zone_name(name)
    with transaction.atomic():
        if Zone.objects.filter(group_id=zone.group_id, name__iexact=name).exclude(pk=zone.pk).exists():
            raise ManageError(_("This group already has a zone called %(name)s.") % {"name": name})
        old = zone.name
        zone.name = name
        zone.save(update_fields=["name"])
        audit(actor, "zone.rename", object_type="zone", object_id=zone.pk, old=old, new=name)
    return zone


def delete_zone(*, actor: User, zone: Zone) -> None:
    with transaction.atomic():
        audit(
            actor,
            "zone.delete",
            object_type="zone",
            object_id=zone.pk,
            group_id=zone.group_id,
            name=zone.name,
            cells=ZoneCell.objects.filter(zone=zone).count(),
        )
        zone.delete()


def set_zone_cells(*, actor: User, zone: Zone, cells: Collection[str], replace: bool, source: str) -> int:
    """Make `cells` the zone's cells (or add them with replace=False); refuse cells another zone holds.

    Returns the zone's number of cells afterwards.
    """
    wanted = set(cells)
    with transaction.atomic():
        # Lock the zone row so two coordinators editing the same zone apply one after the other.
        Zone.objects.select_for_update().filter(pk=zone.pk).first()
        taken = cells_taken_elsewhere(wanted, zone=zone)
        if taken:
            raise ManageError(_taken_message(taken, group_id=zone.group_id))
        current = set(ZoneCell.objects.filter(zone=zone).values_list("cell", flat=True))
        final = wanted if replace else current | wanted
        if len(final) > zone_geometry.MAX_ZONE_CELLS:
            raise ManageError(
                _("The zone would hold %(count)s cells; a zone holds at most %(max)s.")
                % {"count": f"{len(final):,}", "max": f"{zone_geometry.MAX_ZONE_CELLS:,}"}
            )
        removed = current - final
        added = final - current
        if removed:
            ZoneCell.objects.filter(zone=zone, cell__in=list(removed)).delete()
        try:
            with transaction.atomic():
                ZoneCell.objects.bulk_create([ZoneCell(zone=zone, cell=c) for c in sorted(added)], batch_size=500)
        except IntegrityError:
            # Another zone took one of these cells since we looked.
            raise ManageError(_("Some of these cells were just given to another zone. Try again.")) from None
        audit(
            actor,
            "zone.cells",
            object_type="zone",
            object_id=zone.pk,
            source=source,
            replace=replace,
            added=len(added),
            removed=len(removed),
            total=len(final),
        )
    return len(final)


def _taken_message(taken: Mapping[int, list[str]], *, group_id: int) -> str:
    count = sum(len(v) for v in taken.values())
    # Name the other zones only when they belong to the same group; other groups' zones are not the caller's business.
    names = sorted(Zone.objects.filter(pk__in=list(taken), group_id=group_id).values_list("name", flat=True))
    example = next(iter(sorted(c for cells in taken.values() for c in cells)))
    if names:
        return _(
            "%(count)s of these cells already belong to another zone (%(zones)s), for example %(cell)s. "
            "A cell belongs to one zone only: remove them there first, or leave them out."
        ) % {"count": count, "zones": ", ".join(names), "cell": example}
    return _(
        "%(count)s of these cells already belong to another group's zone, for example %(cell)s. "
        "A cell belongs to one zone only: leave them out."
    ) % {"count": count, "cell": example}


def toggle_zone_cell(*, actor: User, zone: Zone, cell: str) -> bool:
    """Add the cell to the zone, or remove it if the zone has it; True when the cell is now in the zone."""
    with transaction.atomic():
        Zone.objects.select_for_update().filter(pk=zone.pk).first()
        existing = ZoneCell.objects.filter(cell=cell).first()
        if existing is not None and existing.zone_id != zone.pk:
            raise ManageError(_taken_message({existing.zone_id: [cell]}, group_id=zone.group_id))
        if existing is not None:
            existing.delete()
            audit(actor, "zone.cells", object_type="zone", object_id=zone.pk, source="map", removed=1, added=0)
            return False
        if ZoneCell.objects.filter(zone=zone).count() >= zone_geometry.MAX_ZONE_CELLS:
            raise ManageError(_("A zone holds at most %(max)s cells.") % {"max": f"{zone_geometry.MAX_ZONE_CELLS:,}"})
        ZoneCell.objects.create(zone=zone, cell=cell)
        audit(actor, "zone.cells", object_type="zone", object_id=zone.pk, source="map", removed=0, added=1)
        return True


# --- observers --------------------------------------------------------------------------------------------------------


def normalise_phone(raw: str) -> str:
    """An E.164 number (+ country code and digits), or ManageError."""
    phone = _PHONE_STRIP.sub("", raw.strip())
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not _PHONE.match(phone):
        raise ManageError(_("Give the phone number with its country code, like +1 612 555 0100."))
    return phone


def normalise_languages(raw: Collection[str]) -> list[str]:
    languages: list[str] = []
    for item in raw:
        code = item.strip().lower().replace("_", "-")
        if not code:
            continue
        if not _LANGUAGE.match(code):
            raise ManageError(_("“%(code)s” is not a language code such as en, es, so or hmn.") % {"code": code[:20]})
        if code not in languages:
            languages.append(code)
    if len(languages) > 12:
        raise ManageError(_("List at most 12 languages."))
    return languages


def masked_phone(observer: Observer, *, actor: User) -> str:
    """The observer's phone with all but the last two digits hidden (an audited read); empty without one."""
    if not observer.phone_sealed:
        return ""
    phone = unseal(observer.phone_sealed, purpose=PHONE_PURPOSE)
    audit(actor, "observer.phone.masked_read", object_type="observer", object_id=observer.pk)
    return "•" * max(len(phone) - 3, 0) + phone[-2:]


def update_observer(
    *,
    actor: User,
    observer: Observer,
    trained_on: dt.date | None,
    training_expires_on: dt.date | None,
    languages: Collection[str],
    code_accepted: bool,
    active: bool,
    notify_by: Collection[str],
    new_phone: str = "",
    clear_phone: bool = False,
) -> Observer:
    """Change an observer's record. The phone is only ever replaced or cleared, never read back here."""
    if trained_on and training_expires_on and training_expires_on < trained_on:
        raise ManageError(_("Training cannot expire before it took place."))
    channels = [c for c in NOTIFY_CHANNELS if c in set(notify_by)]
    unknown = set(notify_by) - set(NOTIFY_CHANNELS)
    if unknown:
        raise ManageError(_("Unknown notification channel."))
    phone = normalise_phone(new_phone) if new_phone.strip() else ""
    will_have_phone = bool(phone) or (bool(observer.phone_sealed) and not clear_phone)
    if "sms" in channels and not will_have_phone:
        raise ManageError(_("SMS notifications need a phone number."))
    with transaction.atomic():
        changed: list[str] = []
        values: dict[str, object] = {
            "trained_on": trained_on,
            "training_expires_on": training_expires_on,
            "languages": normalise_languages(languages),
            "active": active,
            "notify_by": channels,
        }
        for name, value in values.items():
            if getattr(observer, name) != value:
                setattr(observer, name, value)
                changed.append(name)
        if code_accepted and observer.code_accepted_at is None:
            observer.code_accepted_at = timezone.now()
            changed.append("code_accepted_at")
        elif not code_accepted and observer.code_accepted_at is not None:
            observer.code_accepted_at = None
            changed.append("code_accepted_at")
        if phone:
            observer.phone_sealed = seal(phone, purpose=PHONE_PURPOSE)
            changed.append("phone")
        elif clear_phone and observer.phone_sealed:
            observer.phone_sealed = None
            changed.append("phone")
        if changed:
            observer.save()
            # Field names only: the values (the phone above all) stay out of the trail.
            audit(actor, "observer.update", object_type="observer", object_id=observer.pk, fields=sorted(changed))
    return observer


# --- shifts -----------------------------------------------------------------------------------------------------------


def _check_shift(*, observer: Observer, starts_at: dt.datetime, ends_at: dt.datetime, shift_id: int | None) -> None:
    if ends_at <= starts_at:
        raise ManageError(_("A shift must end after it starts."))
    if ends_at - starts_at > dt.timedelta(hours=MAX_SHIFT_HOURS):
        raise ManageError(_("A shift lasts at most %(hours)s hours.") % {"hours": MAX_SHIFT_HOURS})
    overlapping = Shift.objects.filter(observer=observer, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if shift_id is not None:
        overlapping = overlapping.exclude(pk=shift_id)
    other = overlapping.order_by("starts_at").first()
    if other is not None:
        raise ManageError(
            _("%(observer)s already has a shift from %(start)s to %(end)s.")
            % {
                "observer": observer.user.get_username(),
                "start": timezone.localtime(other.starts_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(other.ends_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def _audit_shift(actor: User, action: str, shift: Shift) -> None:
    """The audit row of a shift change: whose shift it is and when it runs."""
    audit(
        actor,
        action,
        object_type="shift",
        object_id=shift.pk,
        observer_id=shift.observer_id,
        starts_at=shift.starts_at.isoformat(),
        ends_at=shift.ends_at.isoformat(),
    )


def create_shift(*, actor: User, observer: Observer, starts_at: dt.datetime, ends_at: dt.datetime) -> Shift:
    with transaction.atomic():
        Observer.objects.select_for_update().filter(pk=observer.pk).first()
        _check_shift(observer=observer, starts_at=starts_at, ends_at=ends_at, shift_id=None)
        shift = Shift.objects.create(observer=observer, starts_at=starts_at, ends_at=ends_at)
        _audit_shift(actor, "shift.create", shift)
    return shift


def update_shift(
    *, actor: User, shift: Shift, observer: Observer, starts_at: dt.datetime, ends_at: dt.datetime
) -> Shift:
    if observer.group_id != shift.observer.group_id:
        raise ManageError(_("A shift can only move to an observer of the same group."))
    with transaction.atomic():
        Observer.objects.select_for_update().filter(pk=observer.pk).first()
        _check_shift(observer=observer, starts_at=starts_at, ends_at=ends_at, shift_id=shift.pk)
        if shift.started_at is not None and observer.pk != shift.observer_id:
            raise ManageError(_("This shift has started: it cannot move to another observer."))
        shift.observer = observer
        shift.starts_at = starts_at
        shift.ends_at = ends_at
        shift.save(update_fields=["observer", "starts_at", "ends_at"])
        _audit_shift(actor, "shift.update", shift)
    return shift


def delete_shift(*, actor: User, shift: Shift) -> None:
    with transaction.atomic():
        _audit_shift(actor, "shift.delete", shift)
        shift.delete()


# --- network settings -------------------------------------------------------------------------------------------------


def update_network_settings(*, actor: User, values: Mapping[str, int]) -> NetworkSettings:
    """Change the operational settings (pk=1 row); each value must lie in SETTINGS_RANGES."""
    for name, (low, high) in SETTINGS_RANGES.items():
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ManageError(
                _("%(name)s must be a whole number from %(low)s to %(high)s.")
                % {"name": name, "low": low, "high": high}
            )
    with transaction.atomic():
        row = NetworkSettings.objects.select_for_update().filter(pk=1).first()
        if row is None:
            row = NetworkSettings(pk=1)
        changes = {
            name: [getattr(row, name), values[name]] for name in SETTINGS_RANGES if getattr(row, name) != values[name]
        }
        for name in SETTINGS_RANGES:
            setattr(row, name, values[name])
        row.updated_by = actor
        row.save()
        audit(actor, "network_settings.update", object_type="network_settings", object_id=1, changes=changes)
    return row
