"""Feed the name vocabulary only from names that changed, in a fixed order.

The update trigger of 0003 re-counted every word of every updated row (an
e-mail change inflated the frequencies of the client's names) and upserted the
words in arbitrary order, so concurrent updates of clients could deadlock on
the vocabulary rows. Now an update registers only the words of names that
differ from the old row, and both triggers lock vocabulary rows in word order.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION gc_registra_palavras() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clientes_nome_palavras AS p (palavra, frequencia)
  SELECT w, count(*)
  FROM novas, unnest(tsvector_to_array(novas.nome_tsv) || tsvector_to_array(novas.nome_mae_tsv)) AS w
  GROUP BY w
  ORDER BY w
  ON CONFLICT (palavra) DO UPDATE SET frequencia = p.frequencia + EXCLUDED.frequencia;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION gc_registra_palavras_alteradas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clientes_nome_palavras AS p (palavra, frequencia)
  SELECT w, count(*)
  FROM novas
  JOIN antigas USING (id_cliente)
  CROSS JOIN LATERAL unnest(
    CASE WHEN novas.nome_tsv IS DISTINCT FROM antigas.nome_tsv
         THEN tsvector_to_array(novas.nome_tsv) ELSE '{}'::text[] END
    || CASE WHEN novas.nome_mae_tsv IS DISTINCT FROM antigas.nome_mae_tsv
         THEN tsvector_to_array(novas.nome_mae_tsv) ELSE '{}'::text[] END
  ) AS w
  GROUP BY w
  ORDER BY w
  ON CONFLICT (palavra) DO UPDATE SET frequencia = p.frequencia + EXCLUDED.frequencia;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS clientes_palavras_update ON clientes;
CREATE TRIGGER clientes_palavras_update AFTER UPDATE ON clientes
  REFERENCING OLD TABLE AS antigas NEW TABLE AS novas
  FOR EACH STATEMENT EXECUTE FUNCTION gc_registra_palavras_alteradas();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS clientes_palavras_update ON clientes;
CREATE TRIGGER clientes_palavras_update AFTER UPDATE ON clientes
  REFERENCING NEW TABLE AS novas FOR EACH STATEMENT EXECUTE FUNCTION gc_registra_palavras();
DROP FUNCTION IF EXISTS gc_registra_palavras_alteradas();
"""


class Migration(migrations.Migration):
    dependencies = [("clientes", "0004_cache_consistency")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
