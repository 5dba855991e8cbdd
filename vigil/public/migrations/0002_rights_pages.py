from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from vigil.public.markdown import render
    from vigil.public.rights_content import PAGES

    page_model = apps.get_model("public", "RightsPage")
    version_model = apps.get_model("public", "RightsVersion")
    now = timezone.now()
    for topic, languages in PAGES.items():
        for language, (title, body) in languages.items():
            if page_model.objects.filter(topic=topic, language=language).exists():
                continue
            page = page_model.objects.create(
                topic=topic, language=language, title=title, body=body.strip(), body_html=render(body),
                version=1, updated_at=now,
            )
            version_model.objects.create(page=page, number=1, title=title, body=body.strip(), saved_at=now)


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
