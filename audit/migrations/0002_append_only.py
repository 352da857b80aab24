"""PostgreSQL enforces the append-only audit trail.

A statement trigger rejects every UPDATE and DELETE on audit_auditevent, from
the application, the admin or psql, unless the transaction-local setting
``audit.purge_allowed`` is on; only ``audit_purge_before`` (the retention
purge) turns it on, and off again right after its DELETE.

TRUNCATE is not blocked here (Django's test flush needs it); in production the
application role should not own the table: see README "Audit trail".
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.purge_allowed', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

CREATE FUNCTION audit_purge_before(cutoff timestamptz, batch_size integer)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    deleted bigint;
BEGIN
    PERFORM set_config('audit.purge_allowed', 'on', true);
    DELETE FROM audit_auditevent
     WHERE id IN (SELECT id FROM audit_auditevent
                   WHERE occurred_at < cutoff
                   ORDER BY occurred_at
                   LIMIT batch_size);
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('audit.purge_allowed', 'off', true);
    RETURN deleted;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS audit_purge_before(timestamptz, integer);
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_event")]

    operations = [migrations.RunSQL(CREATE, DROP)]
