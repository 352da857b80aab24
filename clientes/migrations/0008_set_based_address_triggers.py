"""Migration 0007's triggers as one join per statement, not one subquery per client.

0007 recomputed each affected client's other addresses with a correlated
subquery on ``clientes_enderecos.cliente_id``. With that column's index present
it was an index probe per client; without it (the seed loader drops secondary
indexes while it loads an empty table) each probe became a sequential scan of
the whole table, so every COPY batch cost more than the last and a fresh 1M
seed never finished. Written as a join of the affected ids with the addresses,
PostgreSQL picks a hash join when there is no index: one scan per statement,
whatever the indexes.
"""

from django.db import migrations

# The other addresses of these clients, as they are after the statement.
# ``alvo`` must hold each client id once (UPDATE ... FROM needs one source row).
RECOMPUTE = r"""
  WITH alvo AS ({affected}),
  tokens AS (
    SELECT e.cliente_id, array_agg(DISTINCT t ORDER BY t) AS tokens
      FROM clientes_enderecos e
      JOIN alvo a ON a.cliente_id = e.cliente_id
      CROSS JOIN LATERAL unnest(ARRAY[
        'uf:' || e.uf,
        'cidade:' || e.cidade_busca,
        'local:' || e.uf || ':' || e.cidade_busca
      ] COLLATE "C") AS t
     WHERE NOT e.principal
     GROUP BY e.cliente_id
  )
  UPDATE clientes c
     SET enderecos_secundarios_busca = tk.tokens
    FROM alvo a
    LEFT JOIN tokens tk ON tk.cliente_id = a.cliente_id
   WHERE c.id_cliente = a.cliente_id
     AND c.enderecos_secundarios_busca IS DISTINCT FROM tk.tokens;
"""


def _functions(recompute: str) -> str:
    return rf"""
CREATE OR REPLACE FUNCTION gc_enderecos_secundarios_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{recompute.format(affected="SELECT DISTINCT cliente_id FROM novas WHERE NOT principal")}
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION gc_enderecos_secundarios_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{recompute.format(affected="SELECT cliente_id FROM antigas UNION SELECT cliente_id FROM novas")}
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION gc_enderecos_secundarios_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{recompute.format(affected="SELECT DISTINCT cliente_id FROM antigas WHERE NOT principal")}
  RETURN NULL;
END
$$;
"""


# 0007's correlated form, restored on the way back.
PREVIOUS_RECOMPUTE = r"""
  UPDATE clientes c
     SET enderecos_secundarios_busca = s.tokens
    FROM (
      SELECT a.cliente_id, (
               SELECT array_agg(DISTINCT t ORDER BY t)
                 FROM clientes_enderecos e,
                      LATERAL unnest(ARRAY[
                        'uf:' || e.uf,
                        'cidade:' || e.cidade_busca,
                        'local:' || e.uf || ':' || e.cidade_busca
                      ] COLLATE "C") AS t
                WHERE e.cliente_id = a.cliente_id AND NOT e.principal
             ) AS tokens
        FROM ({affected}) a
    ) s
   WHERE c.id_cliente = s.cliente_id
     AND c.enderecos_secundarios_busca IS DISTINCT FROM s.tokens;
"""


class Migration(migrations.Migration):
    dependencies = [("clientes", "0007_other_addresses_on_clientes")]

    operations = [migrations.RunSQL(_functions(RECOMPUTE), _functions(PREVIOUS_RECOMPUTE))]
