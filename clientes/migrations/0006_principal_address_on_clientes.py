"""The principal address's folded city and UF, copied onto ``clientes``.

Filtering by city/UF through ``clientes_enderecos`` (a semi-join) read every
address of "sao paulo"/SP and then each client's row to check the age: ~200 ms
at 1M clients. With the principal city and UF on the client row, one index
(uf, city, birth date) answers city+UF+age and UF facets directly; the ~10% of
clients with other addresses are found through a small partial index
(``enderecos_secundarios``), so "any address matches" still holds.

The columns are plain SQL, not model fields, so that an ORM ``save()`` of a
client loaded before its address changed never overwrites them. Statement-level
triggers with transition tables keep them in step; an insert copies the new
principal rows and the update writes only rows whose values differ, so the
seed loader (which COPYs the columns already filled) updates nothing.
"""

from django.db import migrations

# The principal address of these clients, recomputed from the table as it is
# after the statement (an update may move "principal" between addresses).
RECOMPUTE = r"""
  UPDATE clientes c
     SET cidade_principal_busca = p.cidade_busca, uf_principal = p.uf
    FROM (
      SELECT a.cliente_id, e.cidade_busca, e.uf
        FROM ({affected}) a
        LEFT JOIN clientes_enderecos e ON e.cliente_id = a.cliente_id AND e.principal
    ) p
   WHERE c.id_cliente = p.cliente_id
     AND (c.cidade_principal_busca IS DISTINCT FROM p.cidade_busca
          OR c.uf_principal IS DISTINCT FROM p.uf);
"""

FORWARD = rf"""
ALTER TABLE clientes ADD COLUMN cidade_principal_busca text, ADD COLUMN uf_principal varchar(2);

CREATE FUNCTION gc_endereco_principal_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE clientes c
     SET cidade_principal_busca = n.cidade_busca, uf_principal = n.uf
    FROM novas n
   WHERE n.principal AND c.id_cliente = n.cliente_id
     AND (c.cidade_principal_busca IS DISTINCT FROM n.cidade_busca
          OR c.uf_principal IS DISTINCT FROM n.uf);
  RETURN NULL;
END
$$;

CREATE FUNCTION gc_endereco_principal_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{RECOMPUTE.format(affected="SELECT cliente_id FROM antigas UNION SELECT cliente_id FROM novas")}
  RETURN NULL;
END
$$;

CREATE FUNCTION gc_endereco_principal_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{RECOMPUTE.format(affected="SELECT DISTINCT cliente_id FROM antigas WHERE principal")}
  RETURN NULL;
END
$$;

CREATE TRIGGER enderecos_principal_insert AFTER INSERT ON clientes_enderecos
  REFERENCING NEW TABLE AS novas
  FOR EACH STATEMENT EXECUTE FUNCTION gc_endereco_principal_insert();
CREATE TRIGGER enderecos_principal_update AFTER UPDATE ON clientes_enderecos
  REFERENCING OLD TABLE AS antigas NEW TABLE AS novas
  FOR EACH STATEMENT EXECUTE FUNCTION gc_endereco_principal_update();
CREATE TRIGGER enderecos_principal_delete AFTER DELETE ON clientes_enderecos
  REFERENCING OLD TABLE AS antigas
  FOR EACH STATEMENT EXECUTE FUNCTION gc_endereco_principal_delete();

UPDATE clientes c SET cidade_principal_busca = e.cidade_busca, uf_principal = e.uf
  FROM clientes_enderecos e WHERE e.cliente_id = c.id_cliente AND e.principal;

CREATE INDEX clientes_uf_cidade_nasc
  ON clientes (uf_principal, cidade_principal_busca, data_nascimento, id_cliente);
CREATE INDEX enderecos_secundarios
  ON clientes_enderecos (uf, cidade_busca, cliente_id) WHERE NOT principal;
ANALYZE clientes;
ANALYZE clientes_enderecos;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS enderecos_principal_insert ON clientes_enderecos;
DROP TRIGGER IF EXISTS enderecos_principal_update ON clientes_enderecos;
DROP TRIGGER IF EXISTS enderecos_principal_delete ON clientes_enderecos;
DROP FUNCTION IF EXISTS gc_endereco_principal_insert();
DROP FUNCTION IF EXISTS gc_endereco_principal_update();
DROP FUNCTION IF EXISTS gc_endereco_principal_delete();
DROP INDEX IF EXISTS enderecos_secundarios;
ALTER TABLE clientes DROP COLUMN IF EXISTS cidade_principal_busca, DROP COLUMN IF EXISTS uf_principal;
"""


class Migration(migrations.Migration):
    dependencies = [("clientes", "0005_vocabulary_on_name_change")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
