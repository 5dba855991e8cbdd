"""The persistent transparency log: leaves, stored complete subtrees, signed checkpoints and the one-row tree head.

Append-only by construction: rows of ``Leaf``, ``Subtree`` and ``SignedCheckpoint`` are only ever inserted (by
``vigil.tlog.services``); ``save`` refuses to update, and ``delete`` / ``QuerySet.update`` / ``QuerySet.delete``
refuse outright. The ``TreeHead`` row is the lock that serialises appends and remembers the right frontier, so an
append reads nothing else.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.ledger.merkle import EMPTY_ROOT

HEAD_ID = 1


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a row of the log."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")


class AppendOnly(models.Model):
    objects: ClassVar[models.Manager[Any]] = models.Manager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class Leaf(AppendOnly):
    """One leaf: the canonical JSON record and its RFC 9162 leaf hash. Records are not public; hashes are."""

    index = models.BigIntegerField(primary_key=True, verbose_name=_("index"))
    hash = models.BinaryField(max_length=32, verbose_name=_("leaf hash"))
    record = models.BinaryField(verbose_name=_("canonical JSON record"))
    created = models.DateTimeField(default=timezone.now, verbose_name=_("appended at"))

    class Meta:
        ordering = ["index"]
        verbose_name = _("leaf")
        verbose_name_plural = _("leaves")

    def __str__(self) -> str:
        return f"leaf {self.index}"


def subtree_key(level: int, index: int) -> int:
    """One integer per complete subtree, so a proof's nodes come back from a single primary-key lookup."""
    return (index << 6) | level


class Subtree(AppendOnly):
    """The hash of a complete subtree: level ``level``, covering leaves ``[index·2^level, (index+1)·2^level)``."""

    key = models.BigIntegerField(primary_key=True)
    level = models.PositiveSmallIntegerField(verbose_name=_("level"))
    index = models.BigIntegerField(verbose_name=_("index"))
    hash = models.BinaryField(max_length=32, verbose_name=_("hash"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("stored subtree")
        verbose_name_plural = _("stored subtrees")

    def __str__(self) -> str:
        return f"subtree {self.level}/{self.index}"


class SignedCheckpoint(AppendOnly):
    """A C2SP tlog-checkpoint note the log signed: one per tree size."""

    size = models.BigIntegerField(unique=True, verbose_name=_("tree size"))
    root = models.BinaryField(max_length=32, verbose_name=_("root hash"))
    note = models.TextField(verbose_name=_("signed note"))
    created = models.DateTimeField(default=timezone.now, verbose_name=_("signed at"))

    class Meta:
        ordering = ["size"]
        get_latest_by = "size"
        verbose_name = _("signed checkpoint")
        verbose_name_plural = _("signed checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.size}"


class TreeHead(models.Model):
    """The single row appends lock: current size, root, and the right frontier (hashes of ``range_nodes(0, size)``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_ID)
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, default=EMPTY_ROOT)
    frontier = models.BinaryField(default=b"")
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=HEAD_ID), name="tlog_treehead_single_row")]
        verbose_name = _("tree head")

    def __str__(self) -> str:
        return f"tree head {self.size}"

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the tree head cannot be removed")
