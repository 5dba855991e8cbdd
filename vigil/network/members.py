from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vigil.accounts import invitations
from vigil.accounts.access import audit
from vigil.accounts.models import Group, Membership, Role, User
from vigil.lib.errors import VigilError
from vigil.network.models import Observer


def _ensure_observer(*, user: User, group: Group) -> Observer:
    observer = Observer.objects.filter(user=user).first()
    if observer is None:
        return Observer.objects.create(user=user, group=group, languages=[user.language or "en"], notify_by=["inbox"])
    if observer.group_id != group.pk:
        raise VigilError(
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
            raise VigilError(
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
) -> User:
    """Create an account with `role` in `group` and e-mail the person a one-time link to choose their password
    (vigil.accounts.invitations). Nobody, the coordinator included, ever sees a password."""
    if not email:
        raise VigilError(_("An e-mail address is needed to send the invitation."))
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise VigilError(_("The username %(username)s is taken.") % {"username": username})
        try:
            user = User.objects.create_user(
                username=username,
                password=None,
                email=email,
                first_name=first_name,
                last_name=last_name,
                language=language,
            )
        except IntegrityError:  # pragma: no cover - a concurrent request took the name
            raise VigilError(_("The username %(username)s is taken.") % {"username": username}) from None
        if role == Role.OBSERVER:
            _ensure_observer(user=user, group=group)
        Membership.objects.create(user=user, group=group, role=role)
        audit(actor, "user.create", object_type="user", object_id=user.pk, group_id=group.pk, role=str(role))
        transaction.on_commit(lambda: invitations.send_invitation(user=user, group_name=group.name))
    return user


def remove_role(*, actor: User, membership: Membership) -> None:
    """Take a role away. The last coordinator of a group stays (someone must be able to manage it)."""
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=membership.group_id)
        if membership.role == Role.COORDINATOR:
            others = Membership.objects.filter(group=group, role=Role.COORDINATOR).exclude(pk=membership.pk)
            if not others.exists():
                raise VigilError(_("A group needs at least one coordinator: add another before removing this one."))
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
