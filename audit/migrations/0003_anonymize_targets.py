"""Let the trail forget a data subject (LGPD anonymisation) without opening it to edits.

The append-only trigger of 0002 now also lets an UPDATE through while the
transaction-local setting ``audit.anonymize_allowed`` is on. Only
``audit_anonymize_targets`` turns it on, and off again right after its
UPDATE: it rewrites the label and details of the events about the given
objects, keeping the action, time, actor, channel and the object's type and
id, and the names of the fields a change touched (not their values).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.purge_allowed', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('audit.anonymize_allowed', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE FUNCTION audit_anonymize_targets(p_type text, p_ids text[], p_label text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
BEGIN
    PERFORM set_config('audit.anonymize_allowed', 'on', true);
    UPDATE audit_auditevent
       SET target_label = replace(p_label, '{id}', target_id),
           details = jsonb_strip_nulls(jsonb_build_object(
               'anonimizado', true,
               'campos', (SELECT jsonb_agg(k ORDER BY k)
                            FROM jsonb_object_keys(
                                CASE WHEN jsonb_typeof(details -> 'changes') = 'object'
                                     THEN details -> 'changes' ELSE '{}'::jsonb END) AS k)
           ))
     WHERE target_type = p_type
       AND target_id = ANY(p_ids)
       AND NOT (details ? 'anonimizado');
    GET DIAGNOSTICS changed = ROW_COUNT;
    PERFORM set_config('audit.anonymize_allowed', 'off', true);
    RETURN changed;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS audit_anonymize_targets(text, text[], text);
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('audit.purge_allowed', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunSQL(CREATE, DROP)]
