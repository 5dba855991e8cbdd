"""PostgreSQL: a function that looks gazetteer names up through their trigram index, always.

The gazetteer's names are few (streets and landmarks: thousands even for a million addresses), so the planner
estimates that reading the whole table, or every name of one kind through the (kind, key) b-tree, is cheaper than the
trigram index, and computes word_similarity on every row: 3 to 13 ms for words that match nothing. Through the index
the same look-up takes a few hundredths of a millisecond. `places_similar_names(kind, q, n)`:
- sets enable_seqscan off for its own query only (a function's SET is undone when it returns);
- asks `q <% key` alone in an inner query (OFFSET 0 keeps the kind out of it), so the one index that can answer it
  is the GIN trigram index of migration 0002; the kind is filtered on the few names it returns;
- plans with the actual words (EXECUTE ... USING), so the index's cost is known.
SQLite is unchanged (its FTS5 trigram table is always used).
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION places_similar_names(name_kind text, q text, n integer)
RETURNS TABLE(key text, place_id bigint)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
AS $function$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT s.key::text, s.place_id FROM ('
    '  SELECT g.id, g.kind, g.key, g.place_id FROM places_gazetteername g WHERE $1 <% g.key OFFSET 0'
    ') s WHERE s.kind = $2 ORDER BY $1 <<-> s.key, s.id LIMIT $3'
  USING q, name_kind, n;
END
$function$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # no placeholders: the body has its own %


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS places_similar_names(text, text, integer)")


class Migration(migrations.Migration):
    dependencies = [("places", "0003_merge_0002_gazetteer_0002_publication_settings")]

    operations = [migrations.RunPython(forwards, backwards)]
