"""Names as people type them: apostrophes and hyphens both ways, and spellings alike.

``gc_search_words`` is what the name columns' tsvectors index: the folded name
of ``gc_search_text`` and, for names with an apostrophe or a hyphen, the same
name with the apostrophes read as spaces and the hyphens removed, so that
"D'Ávila" is found by "davila", "d avila" and "avila", and "Ana-Luísa" by "ana
luisa" and "analuisa". ``nome_busca`` (exact name, ordering) keeps the plain
fold.

``gc_fonetica`` gives a Brazilian-Portuguese phonetic key of one folded word
(rules of BuscaBR, tuned on the labelled pairs in
``clientes/tests/test_name_spelling.py``): Sousa/Souza -> "sousa",
Wellington/Uelinton -> "velinton", Conceição/Conseissão -> "konseisau". It
is kept per word of the name vocabulary in a generated column with an index;
a search adds the vocabulary words sharing a typed word's key to that word's
terms, and the client rows are still found through ``clientes_nome_tsv_gin``.
Nothing is computed per client row at query time.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

SEARCH_WORDS = r"""
CREATE OR REPLACE FUNCTION gc_search_words(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN value ~ '[''`´’‐-]' THEN
    public.gc_search_text(value) || ' '
    || public.gc_search_text(regexp_replace(value, '[''`´’]', ' ', 'g')) || ' '
    || public.gc_search_text(regexp_replace(value, '[‐-]', '', 'g'))
  ELSE public.gc_search_text(value) END
$$
"""

# Each step is one rule of Brazilian spelling; the order matters (digraphs
# before the mute h, soft c/g before hard c/g, doubled letters collapsed
# before and after the nasal rules). Input: one word folded by gc_search_text.
PHONETIC = r"""
CREATE OR REPLACE FUNCTION gc_fonetica(palavra text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  w text := palavra;
BEGIN
  w := replace(w, 'ph', 'f');                              -- Raphael
  w := replace(replace(w, 'lh', 'li'), 'nh', 'ni');        -- Emília/Emilha
  w := regexp_replace(w, '[cs]h', 'x', 'g');               -- Chimenes/Ximenes
  w := replace(w, 'h', '');                                -- mute h: Thaís, Jhonatan
  w := translate(w, 'yw', 'iv');                           -- Thays, Walter
  w := regexp_replace(w, '(.)\1+', '\1', 'g');             -- Giselle, Conseissão
  w := regexp_replace(w, 'c(ao|oes)$', 's\1');             -- -ção (the ç was folded)
  w := regexp_replace(w, '[sx]?c([ei])', 's\1', 'g');      -- Conceição, Ascenção
  w := regexp_replace(w, 'qu?', 'k', 'g');                 -- Queiroz/Keiroz
  w := replace(w, 'c', 'k');                               -- Cátia/Kátia
  w := regexp_replace(w, 'gu([ei])', 'G\1', 'g');          -- Guilherme keeps a hard g
  w := regexp_replace(w, 'g([ei])', 'j\1', 'g');           -- Gisele/Jisele
  w := replace(w, 'G', 'g');
  w := replace(w, 'z', 's');                               -- Souza, Luiz
  w := regexp_replace(w, '^u([aeio])', 'v\1');             -- Uelinton/Wellington
  w := regexp_replace(w, 'm([^aeiou]|$)', 'n\1', 'g');     -- Sampaio/Sanpaio
  w := regexp_replace(w, 'ng([^aeiou])', 'n\1', 'g');      -- Wellington/Welinton
  w := regexp_replace(w, '(.)\1+', '\1', 'g');
  w := regexp_replace(w, 'e$', 'i');                       -- Cavalcante/Cavalcanti
  w := regexp_replace(w, 'o$', 'u');
  RETURN w;
END
$$
"""

# Words only the new columns hold (the split and joined forms) join the
# vocabulary; the frequencies of words already there are left as counted.
VOCABULARY_WORDS = r"""
INSERT INTO clientes_nome_palavras (palavra, frequencia)
SELECT w, count(*)
FROM clientes, unnest(tsvector_to_array(nome_tsv) || tsvector_to_array(nome_mae_tsv)) AS w
WHERE nome_completo ~ '[''`´’‐-]' OR nome_mae ~ '[''`´’‐-]'
GROUP BY w
ORDER BY w
ON CONFLICT (palavra) DO NOTHING;
ALTER TABLE clientes_nome_palavras
  ADD COLUMN fonetica text GENERATED ALWAYS AS (public.gc_fonetica(palavra)) STORED;
CREATE INDEX clientes_nome_palavras_fonetica ON clientes_nome_palavras (fonetica);
"""

DROP_VOCABULARY_WORDS = r"""
DROP INDEX IF EXISTS clientes_nome_palavras_fonetica;
ALTER TABLE clientes_nome_palavras DROP COLUMN IF EXISTS fonetica;
"""


# Both tsvector columns re-created in one ALTER TABLE: one rewrite of the table
# instead of two (PostgreSQL 15 can't change a generated column's expression).
NAME_COLUMNS = r"""
DROP INDEX clientes_nome_tsv_gin;
DROP INDEX clientes_nome_mae_tsv_gin;
ALTER TABLE clientes
  DROP COLUMN nome_tsv,
  DROP COLUMN nome_mae_tsv,
  ADD COLUMN nome_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {fn}(nome_completo))) STORED,
  ADD COLUMN nome_mae_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {fn}(nome_mae))) STORED;
CREATE INDEX clientes_nome_tsv_gin ON clientes USING gin (nome_tsv);
CREATE INDEX clientes_nome_mae_tsv_gin ON clientes USING gin (nome_mae_tsv);
"""


def _name_tsvector(field):
    return models.Func(
        models.Func(models.F(field), function="gc_search_words", output_field=models.TextField()),
        function="to_tsvector",
        output_field=django.contrib.postgres.search.SearchVectorField(),
        template="to_tsvector('simple'::regconfig, %(expressions)s)",
    )


def _replace_tsvector(field, source, index):
    """State operations of re-creating a generated tsvector column with its index."""
    return [
        migrations.RemoveIndex(model_name="cliente", name=index),
        migrations.RemoveField(model_name="cliente", name=field),
        migrations.AddField(
            model_name="cliente",
            name=field,
            field=models.GeneratedField(
                db_persist=True,
                expression=_name_tsvector(source),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="cliente",
            index=django.contrib.postgres.indexes.GinIndex(fields=[field], name=index),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("clientes", "0009_lgpd_state")]

    operations = [
        migrations.RunSQL(SEARCH_WORDS, "DROP FUNCTION IF EXISTS gc_search_words(text)"),
        migrations.RunSQL(PHONETIC, "DROP FUNCTION IF EXISTS gc_fonetica(text)"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    NAME_COLUMNS.format(fn="gc_search_words"),
                    NAME_COLUMNS.format(fn="gc_search_text"),
                )
            ],
            state_operations=[
                *_replace_tsvector("nome_tsv", "nome_completo", "clientes_nome_tsv_gin"),
                *_replace_tsvector("nome_mae_tsv", "nome_mae", "clientes_nome_mae_tsv_gin"),
            ],
        ),
        migrations.RunSQL(VOCABULARY_WORDS, DROP_VOCABULARY_WORDS),
    ]
