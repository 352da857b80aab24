"""The other (non-principal) addresses' UF and city, copied onto ``clientes``.

Migration 0006 put the principal address on the client row and found the
~10% of clients with other addresses through ``enderecos_secundarios``: their
ids were probed one by one in the primary key (``id_cliente = ANY(...)``) and
each address row read from the heap, ~80 ms of a 110 ms "SP + São Paulo +
age" search at 1M clients. Now each client row carries the sorted tokens of
its other addresses (``uf:SP``, ``cidade:sao paulo``, ``local:SP:sao paulo``;
NULL without other addresses) in a small partial GIN index, so "any address
matches" is one bitmap OR-ed with the principal index. A city searched without its UF
gets its own index (0006's starts with the UF), which also sorts by city.

Like 0006's columns this is plain SQL (an ORM ``save()`` never overwrites it),
kept in step by statement-level triggers on ``clientes_enderecos``; the update
writes only rows whose tokens differ, and the seed loader COPYs them already
computed (``clientes.seed.generator.other_address_tokens``), so it updates nothing.
"""

from django.db import migrations

# The other addresses of these clients, as they are after the statement.
RECOMPUTE = r"""
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

FORWARD = rf"""
ALTER TABLE clientes ADD COLUMN enderecos_secundarios_busca text[];

CREATE FUNCTION gc_enderecos_secundarios_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{RECOMPUTE.format(affected="SELECT DISTINCT cliente_id FROM novas WHERE NOT principal")}
  RETURN NULL;
END
$$;

CREATE FUNCTION gc_enderecos_secundarios_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{RECOMPUTE.format(affected="SELECT cliente_id FROM antigas UNION SELECT cliente_id FROM novas")}
  RETURN NULL;
END
$$;

CREATE FUNCTION gc_enderecos_secundarios_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{RECOMPUTE.format(affected="SELECT DISTINCT cliente_id FROM antigas WHERE NOT principal")}
  RETURN NULL;
END
$$;

CREATE TRIGGER enderecos_secundarios_insert AFTER INSERT ON clientes_enderecos
  REFERENCING NEW TABLE AS novas
  FOR EACH STATEMENT EXECUTE FUNCTION gc_enderecos_secundarios_insert();
CREATE TRIGGER enderecos_secundarios_update AFTER UPDATE ON clientes_enderecos
  REFERENCING OLD TABLE AS antigas NEW TABLE AS novas
  FOR EACH STATEMENT EXECUTE FUNCTION gc_enderecos_secundarios_update();
CREATE TRIGGER enderecos_secundarios_delete AFTER DELETE ON clientes_enderecos
  REFERENCING OLD TABLE AS antigas
  FOR EACH STATEMENT EXECUTE FUNCTION gc_enderecos_secundarios_delete();

{RECOMPUTE.format(affected="SELECT DISTINCT cliente_id FROM clientes_enderecos WHERE NOT principal")}

CREATE INDEX clientes_enderecos_secundarios
  ON clientes USING gin (enderecos_secundarios_busca)
  WHERE enderecos_secundarios_busca IS NOT NULL;
DROP INDEX enderecos_secundarios;
-- A city without UF cannot use 0006's index (UF first): 28 ms for Goiânia.
-- These also sort by city and status (keyset pages walk them).
CREATE INDEX clientes_ordem_cidade ON clientes (cidade_principal_busca, id_cliente);
CREATE INDEX clientes_ordem_status ON clientes (ativo, id_cliente);
ANALYZE clientes;
"""

BACKWARD = r"""
DROP INDEX IF EXISTS clientes_ordem_cidade;
DROP INDEX IF EXISTS clientes_ordem_status;
CREATE INDEX IF NOT EXISTS enderecos_secundarios
  ON clientes_enderecos (uf, cidade_busca, cliente_id) WHERE NOT principal;
DROP TRIGGER IF EXISTS enderecos_secundarios_insert ON clientes_enderecos;
DROP TRIGGER IF EXISTS enderecos_secundarios_update ON clientes_enderecos;
DROP TRIGGER IF EXISTS enderecos_secundarios_delete ON clientes_enderecos;
DROP FUNCTION IF EXISTS gc_enderecos_secundarios_insert();
DROP FUNCTION IF EXISTS gc_enderecos_secundarios_update();
DROP FUNCTION IF EXISTS gc_enderecos_secundarios_delete();
ALTER TABLE clientes DROP COLUMN IF EXISTS enderecos_secundarios_busca;
"""


class Migration(migrations.Migration):
    dependencies = [("clientes", "0006_principal_address_on_clientes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
