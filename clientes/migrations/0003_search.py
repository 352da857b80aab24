"""Search columns and indexes of clients (issue #5).

``gc_search_text`` folds text the way searches compare it; it is IMMUTABLE
(unaccent with an explicit dictionary) so generated columns and expression
indexes may use it. Its Python twin is ``clientes.search.parsing.fold``.

``clientes_nome_palavras`` is the vocabulary of names (every word of a client's
or mother's name, with a rough frequency), kept by statement-level triggers so
that COPY, ORM saves and admin edits all feed it; "Você quis dizer" corrects
misspelled words against it (levenshtein, fuzzystrmatch).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.operations
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

FOLD_FUNCTION = r"""
CREATE OR REPLACE FUNCTION gc_search_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(
    regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, value)),
                   '[''`´’]', '', 'g'),
    '[^a-z0-9]+', ' ', 'g'))
$$
"""

VOCABULARY = r"""
CREATE TABLE clientes_nome_palavras (
    palavra text PRIMARY KEY,
    frequencia bigint NOT NULL DEFAULT 1
);
CREATE INDEX clientes_nome_palavras_prefixo ON clientes_nome_palavras (palavra text_pattern_ops);

CREATE FUNCTION gc_registra_palavras() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clientes_nome_palavras AS p (palavra, frequencia)
  SELECT w, count(*)
  FROM novas, unnest(tsvector_to_array(novas.nome_tsv) || tsvector_to_array(novas.nome_mae_tsv)) AS w
  GROUP BY w
  ON CONFLICT (palavra) DO UPDATE SET frequencia = p.frequencia + EXCLUDED.frequencia;
  RETURN NULL;
END
$$;
CREATE TRIGGER clientes_palavras_insert AFTER INSERT ON clientes
  REFERENCING NEW TABLE AS novas FOR EACH STATEMENT EXECUTE FUNCTION gc_registra_palavras();
CREATE TRIGGER clientes_palavras_update AFTER UPDATE ON clientes
  REFERENCING NEW TABLE AS novas FOR EACH STATEMENT EXECUTE FUNCTION gc_registra_palavras();

INSERT INTO clientes_nome_palavras (palavra, frequencia)
SELECT w, count(*)
FROM clientes, unnest(tsvector_to_array(nome_tsv) || tsvector_to_array(nome_mae_tsv)) AS w
GROUP BY w;
"""

# The city and the UF of an address go together: without joint statistics the
# planner multiplies their selectivities and underestimates "sao paulo"/SP.
CITY_STATISTICS = (
    "CREATE STATISTICS enderecos_cidade_uf ON cidade_busca, uf FROM clientes_enderecos"
)

DROP_VOCABULARY = r"""
DROP TRIGGER IF EXISTS clientes_palavras_insert ON clientes;
DROP TRIGGER IF EXISTS clientes_palavras_update ON clientes;
DROP FUNCTION IF EXISTS gc_registra_palavras();
DROP TABLE IF EXISTS clientes_nome_palavras;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clientes", "0002_cpf_permission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        django.contrib.postgres.operations.CreateExtension("fuzzystrmatch"),
        migrations.RunSQL(
            sql=FOLD_FUNCTION,
            reverse_sql="DROP FUNCTION IF EXISTS gc_search_text(text)",
        ),
        migrations.AddField(
            model_name="cliente",
            name="nome_busca",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("nome_completo"),
                    function="gc_search_text",
                    output_field=models.TextField(),
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddField(
            model_name="cliente",
            name="nome_mae_tsv",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.Func(
                        models.F("nome_mae"),
                        function="gc_search_text",
                        output_field=models.TextField(),
                    ),
                    function="to_tsvector",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="to_tsvector('simple'::regconfig, %(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="cliente",
            name="nome_tsv",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.Func(
                        models.F("nome_completo"),
                        function="gc_search_text",
                        output_field=models.TextField(),
                    ),
                    function="to_tsvector",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="to_tsvector('simple'::regconfig, %(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="endereco",
            name="cidade_busca",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.F("cidade"), function="gc_search_text", output_field=models.TextField()
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddIndex(
            model_name="cliente",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["nome_tsv"], name="clientes_nome_tsv_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="cliente",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["nome_mae_tsv"], name="clientes_nome_mae_tsv_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="cliente",
            index=models.Index(fields=["nome_busca", "id_cliente"], name="clientes_ordem_nome"),
        ),
        migrations.AddIndex(
            model_name="cliente",
            index=models.Index(
                fields=["data_nascimento", "id_cliente"], name="clientes_ordem_nasc"
            ),
        ),
        migrations.AddIndex(
            model_name="cliente",
            index=models.Index(fields=["created_at", "id_cliente"], name="clientes_ordem_criado"),
        ),
        migrations.AddIndex(
            model_name="cliente",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Lower("email"), name="text_pattern_ops"
                ),
                name="clientes_email_lower",
            ),
        ),
        migrations.AddIndex(
            model_name="endereco",
            index=models.Index(
                fields=["cidade_busca", "uf", "cliente"], name="enderecos_cidade_busca"
            ),
        ),
        migrations.AddIndex(
            model_name="endereco",
            index=models.Index(fields=["uf", "cliente"], name="enderecos_uf_cliente"),
        ),
        migrations.AddIndex(
            model_name="endereco",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(
                    models.F("cep"), name="varchar_pattern_ops"
                ),
                name="enderecos_cep",
            ),
        ),
        migrations.AddIndex(
            model_name="telefone",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(
                    models.F("numero"), name="varchar_pattern_ops"
                ),
                name="telefones_numero",
            ),
        ),
        migrations.AddIndex(
            model_name="telefone",
            index=models.Index(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Reverse("numero"), name="text_pattern_ops"
                ),
                name="telefones_numero_reverso",
            ),
        ),
        migrations.RunSQL(sql=VOCABULARY, reverse_sql=DROP_VOCABULARY),
        migrations.RunSQL(
            sql=CITY_STATISTICS, reverse_sql="DROP STATISTICS IF EXISTS enderecos_cidade_uf"
        ),
    ]
