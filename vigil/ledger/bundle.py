"""Former home of the bundle code, kept so existing imports keep working: import from :mod:`vigil.ledger` instead.

The bundle code now lives in :mod:`vigil.ledger.manifest` (format), :mod:`vigil.ledger.writer` (writing) and
:mod:`vigil.ledger.verify` (verifying); this module only re-exports their public names.
"""

from vigil.ledger.manifest import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    BundleDocument,
    BundleEvent,
    BundleItem,
    Manifest,
    item_arcname,
)
from vigil.ledger.verify import STEPS, BundleReport, verify_bundle
from vigil.ledger.writer import BundleWriter

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "STEPS",
    "BundleDocument",
    "BundleEvent",
    "BundleItem",
    "BundleReport",
    "BundleWriter",
    "Manifest",
    "item_arcname",
    "verify_bundle",
]
