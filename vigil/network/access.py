"""The only way observer views get an observer or a dispatch: the same 404 for missing and forbidden.

An observer sees only their own dispatches, and only while they hold the observer role in their observer group.
Opening a dispatch shows where the incident is: that read is written to the audit trail.
"""

from __future__ import annotations

from django.http import Http404

from vigil.accounts.access import AnyUser, audit, coordinated_group_ids, first_or_404
from vigil.accounts.models import Membership, Role
from vigil.network.models import (
    Dispatch,
    Notification,
    Observer,
    Shift,
    Training,
    TrainingRegistration,
    Volunteer,
)


def observer_for(user: AnyUser) -> Observer:
    """The signed-in user's observer record; 404 unless they are an observer of that record's group."""
    if not user.is_authenticated:
        raise Http404
    observer = Observer.objects.select_related("user", "group").filter(user_id=user.pk).first()
    if observer is None:
        raise Http404
    if not Membership.objects.filter(user_id=user.pk, group_id=observer.group_id, role=Role.OBSERVER).exists():
        raise Http404
    return observer


def dispatch_for_observer(user: AnyUser, pk: int, *, audited: bool = False) -> Dispatch:
    """One of the user's own dispatches; 404 for anyone else's, and for ids that do not exist."""
    observer = observer_for(user)
    dispatch = Dispatch.objects.select_related("incident", "observer__user").filter(pk=pk, observer=observer).first()
    if dispatch is None:
        raise Http404
    if audited:
        audit(user, "dispatch_viewed", object_type="dispatch", object_id=dispatch.pk, incident=dispatch.incident_id)
    return dispatch


def notification_for(user: AnyUser, pk: int) -> Notification:
    if not user.is_authenticated:
        raise Http404
    notification = Notification.objects.filter(pk=pk, user_id=user.pk).first()
    if notification is None:
        raise Http404
    return notification


def observer_for_coordinator(user: AnyUser, observer_id: int) -> Observer:
    return first_or_404(
        Observer.objects.select_related("user", "group").filter(
            pk=observer_id, group_id__in=coordinated_group_ids(user)
        )
    )


def shift_for_coordinator(user: AnyUser, shift_id: int) -> Shift:
    return first_or_404(
        Shift.objects.select_related("observer__user", "observer__group").filter(
            pk=shift_id, observer__group_id__in=coordinated_group_ids(user)
        )
    )


def volunteer_for_coordinator(user: AnyUser, volunteer_id: int, *, audited: bool = False) -> Volunteer:
    """An applicant of a group the user coordinates; reading their contact is audited by the caller's flag."""
    volunteer = first_or_404(
        Volunteer.objects.select_related("group").filter(pk=volunteer_id, group_id__in=coordinated_group_ids(user))
    )
    if audited:
        audit(user, "volunteer.viewed", object_type="volunteer", object_id=volunteer.pk)
    return volunteer


def training_for_coordinator(user: AnyUser, training_id: int) -> Training:
    return first_or_404(
        Training.objects.select_related("group").filter(pk=training_id, group_id__in=coordinated_group_ids(user))
    )


def registration_for_coordinator(user: AnyUser, registration_id: int) -> TrainingRegistration:
    return first_or_404(
        TrainingRegistration.objects.select_related("training", "volunteer", "observer__user").filter(
            pk=registration_id, training__group_id__in=coordinated_group_ids(user)
        )
    )


def public_training(training_id: int) -> Training:
    """A session anyone may see: not cancelled (cancelled and missing look the same)."""
    return first_or_404(Training.objects.select_related("group").filter(pk=training_id, cancelled=False))
