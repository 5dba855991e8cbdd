"""Load the shipped deadline rules (vigil.cases.calendar.DEFAULT_RULES; each cites its source)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

RULES = (
    ("ij_decision", "Appeal to the Board of Immigration Appeals (notice of appeal, EOIR-26)", 30, "8 C.F.R. § 1003.38(b)"),
    ("bond_decision", "Appeal of the bond decision to the Board of Immigration Appeals", 30,
     "8 C.F.R. § 1003.19(f), § 1003.38(b)"),
    ("bia_decision", "Petition for review in the court of appeals", 30, "8 U.S.C. § 1252(b)(1)"),
    ("bia_decision", "Motion to reconsider before the Board", 30, "8 C.F.R. § 1003.2(b)(2)"),
    ("bia_decision", "Motion to reopen before the Board", 90, "8 C.F.R. § 1003.2(c)(2)"),
    ("arrival", "Asylum application (one year after the last arrival)", 365, "8 U.S.C. § 1158(a)(2)(B)"),
)


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    rule = apps.get_model("cases", "DeadlineRule")
    for trigger, title, days, source in RULES:
        rule.objects.get_or_create(trigger=trigger, title=title, defaults={"days": days, "source": source})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
