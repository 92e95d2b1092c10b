\echo Use "ALTER EXTENSION prevent UPDATE TO '0.2.0'" to load this file. \quit

/* ------------------------------------------------------------------------
 * prevent 0.1.0 -> 0.2.0, for ALTER EXTENSION prevent UPDATE.
 *
 * 0.1.0 is the install script prevent--0.1.0.sql (commit e7a7f71's
 * src/sql); 0.2.0 is src/sql now.  This script takes a 0.1.0 database to
 * exactly what CREATE EXTENSION prevent makes in 0.2.0, keeping every row:
 * test/upgrade.sh fills a 0.1.0 database, runs it, and compares the schema
 * (columns, constraints, indexes, functions, views, triggers, policies,
 * grants, comments) with a fresh 0.2.0 install and every old row with what
 * it was.
 *
 * One section per feature, in the order of src/sql; each says which files
 * it follows.  To add a feature: a new section before the last three,
 * "PUBLIC" (closes every object added above to PUBLIC, as 99_public.sql
 * does: extend it as 99_public.sql grows), "Members" (re-grants what
 * add_member gives) and "Sessions".  Rules:
 *   - existing objects change in place (ALTER TABLE ... ADD COLUMN with a
 *     default that is true of the old rows, ALTER TYPE ... ADD ATTRIBUTE,
 *     DROP/ADD CONSTRAINT under the same name, CREATE OR REPLACE FUNCTION
 *     with the same SET search_path), new ones are created as in src/sql;
 *   - built-in rows are added unless the database has a row with that key
 *     (a keyword or cue by its normalized form, as the before-write
 *     triggers compare them; a setting by name): the DBA's row wins; rows
 *     the DBA edited or disabled are not touched (UPDATEs of built-in rows
 *     say AND builtin AND <the old value>);
 *   - COMMENTs and pg_extension_config_dump() as in src/sql.
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * Existing objects that changed (00-55): the alerts' new columns and
 * statuses, the orders' and escalations' new reasons, the writer's and
 * issuer's types, the functions whose bodies changed, the new settings.
 * ------------------------------------------------------------------------ */

-- every alert of 0.1.0 came from the trigger as its row came in, and named no person of concern
ALTER TABLE prevent.alert ADD COLUMN historic boolean NOT NULL DEFAULT false;
ALTER TABLE prevent.alert ADD COLUMN persons bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE prevent.alert DROP CONSTRAINT alert_status_check;
ALTER TABLE prevent.alert ADD CONSTRAINT alert_status_check
	CHECK (status IN ('pending', 'issued', 'dismissed', 'recorded'));
COMMENT ON COLUMN prevent.alert.historic IS 'Written by prevent.backfill() or prevent.rescan() for a row that was already in its table, not by the trigger as the row came in';
COMMENT ON COLUMN prevent.alert.persons IS 'Ids of the persons of concern (prevent.person) among the parties, active when the incident occurred: they raised its level to their kinds'' floor and their units got orders too';
-- a person's incidents (prevent.person_incidents); most alerts name no one and stay out of it
CREATE INDEX alert_persons_idx ON prevent.alert USING gin (persons) WHERE persons <> '{}';
COMMENT ON COLUMN prevent.alert.status IS 'pending (waiting for prevent.review), issued (work orders exist), dismissed, recorded (historic, older than the setting backfill_orders_within: kept for repeats and counts, neither reviewed nor issued)';

ALTER TABLE prevent.work_order DROP CONSTRAINT work_order_reason_check;
ALTER TABLE prevent.work_order ADD CONSTRAINT work_order_reason_check
	CHECK (reason IN ('risk_level', 'review', 'repeat', 'cross_jurisdiction', 'managed_person', 'category_push'));
COMMENT ON COLUMN prevent.work_order.reason IS 'Why it was issued: risk_level (auto-issue level reached), review (second judgement), repeat, cross_jurisdiction (a repeat party''s other unit), managed_person (the responsible unit of a person of concern named in the incident), category_push (a recipient of the alert''s category in prevent.route)';
ALTER TABLE prevent.escalation DROP CONSTRAINT escalation_reason_check;
ALTER TABLE prevent.escalation ADD CONSTRAINT escalation_reason_check
	CHECK (reason IN ('risk_level', 'repeat', 'cross_jurisdiction', 'managed_person', 'category_push', 'overdue'));
COMMENT ON TABLE prevent.escalation IS 'Which tiers follow a work order and why (risk_level, repeat, cross_jurisdiction, managed_person, category_push, overdue)';

-- (alert_failure.input is of this type: its old rows read the new attributes as NULL)
ALTER TYPE prevent._alert_input ADD ATTRIBUTE historic boolean;
ALTER TYPE prevent._alert_input ADD ATTRIBUTE alert_level prevent.risk_level;
CREATE INDEX alert_failure_source_idx ON prevent.alert_failure (source, source_key);

CREATE TYPE prevent._recipient AS (
	unit text,
	reason text,
	tier smallint,				-- follows this recipient's order (NULL: none of its own)
	accept_within interval,		-- its own deadlines (NULL: the level's)
	feedback_within interval,
	close_within interval
);
ALTER TYPE prevent._issue_request ADD ATTRIBUTE recipients prevent._recipient[];

CREATE OR REPLACE FUNCTION prevent.setting_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	valid boolean;
BEGIN
	CASE NEW.name
		WHEN 'negation_scope' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('occurrence', 'category') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "negation_scope"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use ''occurrence'' (a cue cancels the match after it) or ''category'' (and every match of that category in the text).';
			END IF;
		WHEN 'watch_mode' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('batch', 'row') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "watch_mode"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use ''batch'' (alerts of a statement written together) or ''row'' (each alert at once, for distributed tables).';
			END IF;
		WHEN 'report_time_zone' THEN
			IF NEW.value IS NULL OR NOT EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = NEW.value) THEN
				RAISE EXCEPTION 'invalid value "%" for setting "report_time_zone"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use a time zone name from pg_timezone_names, e.g. Asia/Shanghai.';
			END IF;
		WHEN 'cross_jurisdiction_max_units' THEN
			IF NEW.value IS NULL OR NEW.value !~ '^[0-9]{1,3}$' OR NEW.value::int NOT BETWEEN 0 AND 100 THEN
				RAISE EXCEPTION 'invalid value "%" for setting "cross_jurisdiction_max_units"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'A number of units from 0 (no cross-jurisdiction orders) to 100.';
			END IF;
		WHEN 'backfill_orders_within' THEN
			BEGIN
				valid := NEW.value::interval >= '0'::interval;
			EXCEPTION WHEN data_exception THEN
				valid := false;
			END;
			IF valid IS NOT TRUE THEN
				RAISE EXCEPTION 'invalid value "%" for setting "backfill_orders_within"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'An interval of zero or more, e.g. ''7 days'' (''0'': historic alerts never issue orders).';
			END IF;
		WHEN 'repeat_tier', 'cross_jurisdiction_tier', 'managed_person_tier' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('1', '2', '3') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "%"', NEW.value, NEW.name
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Tiers are 1 (command center), 2 (specialist unit) and 3 (base-control center).';
			END IF;
		ELSE
			RAISE EXCEPTION 'unknown setting "%"', NEW.name
				USING ERRCODE = 'undefined_object',
					  DETAIL = (SELECT 'Known settings: ' || string_agg(s.name, ', ' ORDER BY s.name) FROM prevent.setting s);
	END CASE;
	RETURN NEW;
END
$$;
INSERT INTO prevent.setting (name, value, description, builtin) VALUES
	('managed_person_tier', '1', 'Tier that follows the work orders of an incident naming a person of concern (prevent.person): one under management is the command center''s to watch', true),
	('backfill_orders_within', '7 days', 'Historic alerts (prevent.backfill, prevent.rescan) of incidents that occurred within this interval before now are issued or wait for review as new ones do; older ones are recorded only (status recorded)', true);

CREATE OR REPLACE FUNCTION prevent._grant_for_access(member regrole) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	reads boolean := EXISTS (SELECT 1 FROM prevent.unit_member m WHERE m.member = _grant_for_access.member);
	acts boolean := EXISTS (SELECT 1 FROM prevent.unit_member m WHERE m.member = _grant_for_access.member AND m.access = 'act');
	tables text;
	lifecycle constant text := 'prevent.review(bigint, boolean, text), prevent.accept(bigint, text, timestamptz), '
		'prevent.feedback(bigint, text, timestamptz), prevent.close(bigint, boolean, text, timestamptz), '
		'prevent.evaluate(bigint, int, text, timestamptz), prevent.record_contact(bigint, text, timestamptz)';
BEGIN
	-- the views, and the tables restricted to units (prevent._restrict_to_unit)
	SELECT string_agg(c.oid::regclass::text, ', ' ORDER BY c.relname) INTO tables
	  FROM pg_class c
	 WHERE c.relnamespace = 'prevent'::regnamespace
	   AND (c.relkind = 'v' OR (c.relkind = 'r' AND c.relrowsecurity));
	-- a regrole prints as a quoted identifier already: no %I
	EXECUTE pg_catalog.format('%s SELECT ON %s %s %s', CASE WHEN reads THEN 'GRANT' ELSE 'REVOKE' END,
							  tables, CASE WHEN reads THEN 'TO' ELSE 'FROM' END, member);
	EXECUTE pg_catalog.format('%s EXECUTE ON FUNCTION %s %s %s', CASE WHEN acts THEN 'GRANT' ELSE 'REVOKE' END,
							  lifecycle, CASE WHEN acts THEN 'TO' ELSE 'FROM' END, member);
END
$$;
-- a party value a DBA types (prevent.party_ignore, prevent.person): its canonical form, or the error
CREATE OR REPLACE FUNCTION prevent._canonical_party(value text, what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	canonical text[] := prevent.parties('', ARRAY[value]);
BEGIN
	IF cardinality(canonical) <> 1 THEN
		RAISE EXCEPTION '% "%" is not one party value after normalization', what, value
			USING ERRCODE = 'check_violation',
				  HINT = 'Write one phone number, resident ID number or party-column value, as it appears in incidents.';
	END IF;
	RETURN canonical[1];
END
$$;
CREATE OR REPLACE FUNCTION prevent.party_ignore_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.party := prevent._canonical_party(NEW.party, 'party');
	RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION prevent._issue(requests prevent._issue_request[], actor name, at timestamptz) RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n int;
	missing bigint;
	repeat_tier constant smallint := prevent.setting_int('repeat_tier', 3);
	cross_tier constant smallint := prevent.setting_int('cross_jurisdiction_tier', 1);
	person_tier constant smallint := prevent.setting_int('managed_person_tier', 1);
BEGIN
	-- an alert of a level with no policy row (a DBA deleted it) cannot be issued
	SELECT q.alert_id INTO missing
	  FROM unnest(requests) q
	  LEFT JOIN prevent.level_policy p ON p.level = q.level
	 WHERE p.level IS NULL
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'alert % cannot be issued: its level has no row in prevent.level_policy', missing
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Insert the level''s row into prevent.level_policy again.';
	END IF;
	WITH r AS MATERIALIZED (
		SELECT q.ord, q.alert_id, q.level, q.unit, q.repeat, q.reason, q.other_units, q.recipients,
			   p.tiers, p.accept_within, p.feedback_within, p.close_within
		  FROM unnest(requests) WITH ORDINALITY AS q(alert_id, level, unit, repeat, reason, other_units, recipients, ord)
		  JOIN prevent.level_policy p ON p.level = q.level
	), orders AS MATERIALIZED (
		-- one order per unit: the alert's own unit first, then the recipients (a unit pushed to
		-- for a reason of its own, e.g. the station managing a person named), then the repeat's
		-- other units, each group by unit: a unit in two groups gets the first one's reason,
		-- and ids follow that order
		SELECT o.ord, o.unit, o.reason, o.tier, o.accept_within, o.feedback_within, o.close_within,
			   nextval('prevent.work_order_id_seq'::regclass) AS order_id,
			   bool_or(o.reason = 'cross_jurisdiction') OVER (PARTITION BY o.ord) AS cross_units
		  FROM (SELECT DISTINCT ON (u.ord, u.unit) u.ord, u.unit, u.reason, u.rank, u.tier,
					   u.accept_within, u.feedback_within, u.close_within
				  FROM (SELECT r.ord, r.unit, r.reason, 0 AS rank, 0::bigint AS pos, NULL::smallint AS tier,
							   NULL::interval AS accept_within, NULL::interval AS feedback_within,
							   NULL::interval AS close_within
						  FROM r
						UNION ALL
						SELECT r.ord, x.unit, x.reason, 1, x.pos, x.tier, x.accept_within, x.feedback_within,
							   x.close_within
						  FROM r CROSS JOIN LATERAL unnest(r.recipients) WITH ORDINALITY
								AS x(unit, reason, tier, accept_within, feedback_within, close_within, pos)
						UNION ALL
						SELECT r.ord, x.unit, 'cross_jurisdiction', 2, 0, NULL, NULL, NULL, NULL
						  FROM r CROSS JOIN LATERAL unnest(r.other_units) x(unit)) u
				 ORDER BY u.ord, u.unit, u.rank, u.pos) o
		 ORDER BY o.ord, o.rank, o.unit
	), ins_order AS (
		INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
		SELECT o.order_id, r.alert_id, o.unit, r.level, o.reason, _issue.at,
			   _issue.at + coalesce(o.accept_within, r.accept_within),
			   _issue.at + coalesce(o.feedback_within, r.feedback_within),
			   _issue.at + coalesce(o.close_within, r.close_within)
		  FROM orders o JOIN r ON r.ord = o.ord
		RETURNING 1
	), ins_escalation AS (
		INSERT INTO prevent.escalation (work_order_id, unit, tier, reason, created_at)
		SELECT o.order_id, o.unit, e.tier, e.reason, _issue.at
		  FROM orders o JOIN r ON r.ord = o.ord
		 CROSS JOIN LATERAL (
				SELECT t.tier, 'risk_level' AS reason
				  FROM unnest(CASE WHEN r.reason <> 'repeat' THEN r.tiers END) t(tier)
				UNION ALL
				SELECT repeat_tier, 'repeat' WHERE r.repeat
				UNION ALL
				SELECT cross_tier, 'cross_jurisdiction' WHERE o.cross_units
				UNION ALL
				SELECT person_tier, 'managed_person'
				 WHERE 'managed_person' = ANY (ARRAY(SELECT x.reason FROM unnest(r.recipients) x))
				UNION ALL
				-- a recipient's own tier follows its order only
				SELECT o.tier, o.reason WHERE o.tier IS NOT NULL) e
		RETURNING 1
	), ins_event AS (
		INSERT INTO prevent.event (work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)
		SELECT o.order_id, r.alert_id, o.unit, 'issue', NULL, 'issued', _issue.at, SESSION_USER, _issue.actor
		  FROM orders o JOIN r ON r.ord = o.ord
		RETURNING 1
	)
	SELECT count(*) INTO n FROM orders;
	RETURN n;
END
$$;
CREATE OR REPLACE FUNCTION prevent._review(alert_id bigint, issue boolean, note text, actor name) RETURNS prevent.alert
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	a prevent.alert;
BEGIN
	IF issue IS NULL THEN
		RAISE EXCEPTION 'issue must be true or false'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO a FROM prevent.alert WHERE id = alert_id FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'alert % does not exist', alert_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM prevent._require_unit(actor, a.unit, pg_catalog.format('alert %s', alert_id));
	IF a.status <> 'pending' THEN
		RAISE EXCEPTION 'alert % was already reviewed or issued', alert_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('Its status is %s.', a.status);
	END IF;
	UPDATE prevent.alert
	   SET status = CASE WHEN issue THEN 'issued' ELSE 'dismissed' END,
		   reviewed_at = pg_catalog.now(), reviewed_by = SESSION_USER, review_note = note
	 WHERE id = alert_id
	RETURNING * INTO a;
	INSERT INTO prevent.event (alert_id, unit, action, from_status, to_status, at, actor, acting_role, note)
	VALUES (a.id, a.unit, 'review', 'pending', a.status, pg_catalog.now(), SESSION_USER, actor, note);
	IF issue THEN
		PERFORM prevent._issue(ARRAY[ROW(a.id, a.level, a.unit, a.repeat, 'review', NULL,
										 prevent._recipients(a.persons, a.categories, a.level))::prevent._issue_request],
							   actor, pg_catalog.now());
	END IF;
	RETURN a;
END
$$;
/* ------------------------------------------------------------------------
 * Restoring built-in lexicon rows (00_schema.sql, 15_lexicon.sql): keyword
 * and negation rows are matched by their normalized term on restore, since
 * this very update numbers the new built-in rows after the DBA's
 * ------------------------------------------------------------------------ */

CREATE OR REPLACE FUNCTION prevent._restore_builtin() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key name := TG_ARGV[0];
	natural_key name := CASE WHEN TG_NARGS > 1 THEN TG_ARGV[1] END;
	match_on name := coalesce(natural_key, key);
	assignments text;
	replaced bigint;
BEGIN
	IF natural_key IS NOT NULL THEN
		EXECUTE format('UPDATE %I.%I t SET %I = pg_catalog.nextval(%L) WHERE t.%I = ($1).%I AND t.%I IS DISTINCT FROM ($1).%I AND t.builtin',
					   TG_TABLE_SCHEMA, TG_TABLE_NAME, key,
					   pg_catalog.pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME), key),
					   key, key, natural_key, natural_key)
			USING NEW;
	END IF;
	SELECT string_agg(format('%I = ($1).%I', a.attname, a.attname), ', ' ORDER BY a.attnum) INTO assignments
	  FROM pg_attribute a
	 WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> match_on;
	EXECUTE format('UPDATE %I.%I t SET %s WHERE t.%I = ($1).%I AND t.builtin',
				   TG_TABLE_SCHEMA, TG_TABLE_NAME, assignments, match_on, match_on)
		USING NEW;
	GET DIAGNOSTICS replaced = ROW_COUNT;
	IF replaced > 0 THEN
		RETURN NULL;
	END IF;
	RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION prevent.keyword_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	dup record;
BEGIN
	IF NEW.kind IS NULL OR NEW.kind NOT IN ('match', 'exclude', 'disposition') THEN
		RAISE EXCEPTION 'invalid keyword kind "%"', NEW.kind
			USING ERRCODE = 'check_violation',
				  HINT = 'Use ''match'' for a risk term, ''exclude'' for an innocent phrase, ''disposition'' for a finding that rules the risk out.';
	END IF;
	IF NEW.signal IS NOT NULL AND (NEW.kind <> 'match' OR EXISTS (SELECT 1 FROM prevent.category c WHERE c.name = NEW.signal)) THEN
		RAISE EXCEPTION 'invalid signal "%" for keyword "%"', NEW.signal, NEW.term
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Only a match term carries a signal class, and a signal may not be named like a category.';
	END IF;
	IF NEW.min_level IS NOT NULL AND NEW.kind <> 'match' THEN
		RAISE EXCEPTION 'only a match term can have a min_level'
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('Keyword "%s" is of kind %s.', NEW.term, NEW.kind);
	END IF;
	NEW.term_norm := prevent.check_term('keyword term', NEW.term);
	IF NEW.kind = 'match' THEN
		IF NEW.category IS NULL THEN
			RAISE EXCEPTION 'keyword "%" has no category', NEW.term
				USING ERRCODE = 'not_null_violation',
					  HINT = 'Every match term needs a category from prevent.category.';
		END IF;
		PERFORM prevent.check_category(NEW.category);
	ELSIF NEW.category IS NOT NULL THEN
		PERFORM prevent.check_category(NEW.category);
	END IF;
	PERFORM prevent.check_weight('keyword weight', NEW.weight);

	-- (an inserted row with a built-in row's term replaces it: keyword_restore_builtin)
	SELECT k.id, k.term INTO dup FROM prevent.keyword k
	 WHERE k.term_norm = NEW.term_norm AND k.id IS DISTINCT FROM NEW.id
	   AND (TG_OP = 'INSERT' OR k.id <> OLD.id)
	   AND NOT (TG_OP = 'INSERT' AND k.builtin);
	IF FOUND THEN
		RAISE EXCEPTION 'keyword "%" duplicates keyword % "%"', NEW.term, dup.id, dup.term
			USING ERRCODE = 'unique_violation',
				  DETAIL = pg_catalog.format('Both normalize to "%s".', NEW.term_norm),
				  HINT = 'Update the existing keyword instead.';
	END IF;
	RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION prevent.negation_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	NEW.cue_norm := prevent.check_term('negation cue', NEW.cue);
	IF NEW."window" IS NULL OR NEW."window" < 0 OR NEW."window" > prevent.max_window() THEN
		RAISE EXCEPTION 'negation window % is out of range', coalesce(NEW."window"::text, 'NULL')
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('The window is a number of characters from 0 to %s.', prevent.max_window());
	END IF;
	-- (an inserted row with a built-in row's cue replaces it: negation_restore_builtin)
	IF EXISTS (SELECT 1 FROM prevent.negation n WHERE n.cue_norm = NEW.cue_norm AND n.id <> NEW.id
				AND (TG_OP = 'INSERT' OR n.id <> OLD.id) AND NOT (TG_OP = 'INSERT' AND n.builtin)) THEN
		RAISE EXCEPTION 'negation cue "%" already exists', NEW.cue
			USING ERRCODE = 'unique_violation',
				  DETAIL = pg_catalog.format('It normalizes to "%s".', NEW.cue_norm);
	END IF;
	RETURN NEW;
END
$$;
DROP TRIGGER keyword_restore_builtin ON prevent.keyword;
CREATE TRIGGER keyword_restore_builtin BEFORE INSERT ON prevent.keyword
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id', 'term_norm');
DROP TRIGGER negation_restore_builtin ON prevent.negation;
CREATE TRIGGER negation_restore_builtin BEFORE INSERT ON prevent.negation
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('id', 'cue_norm');

/* ------------------------------------------------------------------------
 * Persons of concern (all of src/sql/56_persons.sql as 0.2.0 has it: only new objects)
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * Persons of concern (重点人员, 全量纳管): the persons a police station
 * manages — severe mental illness under guardianship, drug users in the
 * community, minors at risk, released prisoners, petitioners — each with the
 * unit responsible for them and the period they are managed.
 *
 * An incident with some risk signal (level low or above) whose parties
 * include a person managed when it occurred is raised to the floor of that
 * person's kind, and the person's unit gets its own work order (reason
 * managed_person, followed by tier managed_person_tier) besides the
 * incident's unit.  Naming a person is no risk by itself: an incident with
 * no signal is never raised.  The rule is the alert writer's, written once
 * in src/watch/alert_batch.sql; the trigger only pre-filters rows below
 * their table's alert level by the identifiers of prevent.person
 * (src/watch/persons.c, a per-backend cache that prevent.lexicon_changed()
 * invalidates on every change of the table).
 *
 * The DBA (the extension owner) edits the registry; members of a unit read
 * their unit's persons (row-level security) and record contacts with them
 * (prevent.record_contact, acting members).  prevent.person_incidents is
 * the one-person-one-plan sheet (一人一策), prevent.person_contact_status
 * what a BI tool filters for persons not seen for a while.
 * ------------------------------------------------------------------------ */

/*
 * Kinds, each with the least level of an incident with a risk signal that
 * names such a person.  mental, drug and minor: high, so the order goes
 * out at once (auto-issue) — a patient who stopped medication, a drug user
 * or a child at risk can turn a quarrel into harm within hours (肇事肇祸),
 * and these are the groups the practice follows up without waiting.
 * released and petitioner: medium, a second judgement (prevent.review) —
 * their incidents are frequent and heated words (扬言) in a petition are
 * seldom danger, but the station that knows the person should look.
 */
CREATE TABLE prevent.person_kind (
	kind text PRIMARY KEY,
	description text,
	floor prevent.risk_level NOT NULL
		CONSTRAINT person_kind_floor_check CHECK (floor OPERATOR(pg_catalog.<>) 'none'),
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.person_kind IS 'Kinds of persons of concern, each with the least level of an incident with a risk signal that names such a person';
COMMENT ON COLUMN prevent.person_kind.floor IS 'An incident at level low or above naming an active person of this kind is raised to at least this level';

CREATE TRIGGER person_kind_restore_builtin BEFORE INSERT ON prevent.person_kind
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('kind');

INSERT INTO prevent.person_kind (kind, description, floor, builtin) VALUES
	('mental',     '严重精神障碍患者（监护管理）', 'high', true),
	('drug',       '社区戒毒、社区康复人员', 'high', true),
	('minor',      '重点未成年人', 'high', true),
	('released',   '刑满释放人员', 'medium', true),
	('petitioner', '重点信访人员', 'medium', true);

CREATE TABLE prevent.person (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	identifier text NOT NULL,
	kind text NOT NULL REFERENCES prevent.person_kind (kind) ON UPDATE CASCADE,
	unit text NOT NULL,
	valid_from timestamptz NOT NULL DEFAULT pg_catalog.now(),
	valid_until timestamptz,
	full_name text,
	note text,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	created_by name NOT NULL DEFAULT CURRENT_USER,
	CONSTRAINT person_period_check CHECK (valid_until IS NULL OR valid_from < valid_until)
);
-- the writer looks persons up by the parties of each alert
CREATE INDEX person_identifier_idx ON prevent.person (identifier);
COMMENT ON TABLE prevent.person IS 'Persons of concern (重点人员): an identifier a party of an incident can have, a kind, the responsible unit and the period under management';
COMMENT ON COLUMN prevent.person.identifier IS 'A phone number, resident ID number or other party value, in canonical form (as prevent.parties() gives it; written in any form, it is stored canonical)';
COMMENT ON COLUMN prevent.person.unit IS 'The unit (police station) responsible for the person: it gets a work order for every alert naming the person';
COMMENT ON COLUMN prevent.person.valid_from IS 'Managed from this time (incidents that occurred before it are not raised)';
COMMENT ON COLUMN prevent.person.valid_until IS 'Managed until this time, exclusive (NULL: open). End a management by setting it rather than deleting the row: alerts keep the person''s id';
COMMENT ON COLUMN prevent.person.full_name IS 'Name for the sheet (一人一策); never matched against narratives';

/*
 * The identifier in canonical form, and the rules with the hint the
 * constraints cannot give (person_period_check and the foreign key stay,
 * for rows written with triggers disabled).
 */
CREATE FUNCTION prevent.person_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NEW.identifier IS NULL THEN
		RAISE EXCEPTION 'identifier of a person must not be NULL' USING ERRCODE = 'not_null_violation';
	END IF;
	NEW.identifier := prevent._canonical_party(NEW.identifier, 'identifier');
	IF EXISTS (SELECT 1 FROM prevent.party_ignore i WHERE i.party = NEW.identifier) THEN
		RAISE WARNING 'identifier "%" is in prevent.party_ignore: no incident will name this person', NEW.identifier
			USING HINT = 'Register the person by a value that identifies them.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM prevent.person_kind k WHERE k.kind = NEW.kind) THEN
		RAISE EXCEPTION 'unknown person kind "%"', NEW.kind
			USING ERRCODE = 'foreign_key_violation',
				  HINT = (SELECT 'Known kinds: ' || string_agg(k.kind, ', ' ORDER BY k.kind) || '; add one to prevent.person_kind.'
							FROM prevent.person_kind k);
	END IF;
	IF btrim(NEW.unit) = '' THEN
		RAISE EXCEPTION 'unit of a person must not be empty' USING ERRCODE = 'check_violation',
			HINT = 'Give the code of the police station responsible for the person.';
	END IF;
	IF NEW.valid_until <= NEW.valid_from THEN
		RAISE EXCEPTION 'valid_until % is not after valid_from %', NEW.valid_until, NEW.valid_from
			USING ERRCODE = 'check_violation',
				  HINT = 'valid_until ends the management (exclusive); leave it NULL while the person is managed.';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER person_before_write BEFORE INSERT OR UPDATE ON prevent.person
	FOR EACH ROW EXECUTE FUNCTION prevent.person_before_write();
-- the trigger's cache of identifiers (src/watch/persons.c) is invalidated as the lexicon's is
CREATE TRIGGER person_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prevent.person
	FOR EACH STATEMENT EXECUTE FUNCTION prevent.lexicon_changed();
SELECT prevent._restrict_to_unit('prevent.person');

-- the units that get an order for an alert naming these persons (prevent._issue)
CREATE FUNCTION prevent._person_recipients(persons bigint[]) RETURNS prevent._recipient[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT ARRAY(SELECT ROW(u.unit, 'managed_person', NULL, NULL, NULL, NULL)::prevent._recipient
				   FROM (SELECT DISTINCT p.unit FROM prevent.person p
						  WHERE p.id OPERATOR(pg_catalog.=) ANY (persons)) u
				  ORDER BY u.unit);
END;

/* contacts with a person (visits, calls): recorded by the person's unit */
CREATE TABLE prevent.person_contact (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	person_id bigint NOT NULL REFERENCES prevent.person (id) ON DELETE CASCADE,
	unit text NOT NULL,
	at timestamptz NOT NULL,
	note text NOT NULL,
	recorded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	recorded_by name NOT NULL,
	acting_role name NOT NULL
);
CREATE INDEX person_contact_person_idx ON prevent.person_contact (person_id, at);
COMMENT ON TABLE prevent.person_contact IS 'Contacts of a unit with its persons of concern (visit, call), written by prevent.record_contact()';
COMMENT ON COLUMN prevent.person_contact.unit IS 'The person''s unit when the contact was recorded';
COMMENT ON COLUMN prevent.person_contact.at IS 'When the contact took place';
COMMENT ON COLUMN prevent.person_contact.recorded_by IS 'Who recorded it: the session''s login role';
COMMENT ON COLUMN prevent.person_contact.acting_role IS 'The role it acted as, whose unit membership allowed it';
SELECT prevent._restrict_to_unit('prevent.person_contact');

CREATE FUNCTION prevent._record_contact(person_id bigint, note text, at timestamptz, actor name)
RETURNS prevent.person_contact
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p prevent.person;
	c prevent.person_contact;
BEGIN
	IF person_id IS NULL THEN
		RAISE EXCEPTION 'person_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO p FROM prevent.person x WHERE x.id = person_id FOR KEY SHARE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'person % does not exist', person_id USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM prevent._require_unit(actor, p.unit, pg_catalog.format('person %s', person_id));
	IF note IS NULL OR btrim(note) = '' THEN
		RAISE EXCEPTION 'a contact needs a note' USING ERRCODE = 'null_value_not_allowed',
			HINT = 'Say what was done, e.g. 入户走访，按时服药.';
	END IF;
	at := coalesce(at, pg_catalog.clock_timestamp());
	IF at > pg_catalog.clock_timestamp() + interval '5 minutes' THEN
		RAISE EXCEPTION 'cannot record a contact with person % at %: that is in the future', person_id, at
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO prevent.person_contact (person_id, unit, at, note, recorded_by, acting_role)
	VALUES (p.id, p.unit, at, note, SESSION_USER, actor)
	RETURNING * INTO c;
	RETURN c;
END
$$;

/* the public function: a C wrapper (src/watch/lifecycle.c) that runs prevent._record_contact
 * as the extension owner with the calling role as the actor, as review() and accept() do */
CREATE FUNCTION prevent.record_contact(person_id bigint, note text, at timestamptz DEFAULT NULL)
RETURNS prevent.person_contact
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'prevent_act';
COMMENT ON FUNCTION prevent.record_contact(bigint, text, timestamptz) IS
'The person''s unit records a contact (visit, call) with a person of concern; at: when (default now). Needs an acting membership of the person''s unit';

/*
 * The views read as the caller (security_invoker): a station sees its own
 * persons, and of their incidents those its memberships show (the alerts of
 * its unit; a member of '*' sees all).
 */
CREATE VIEW prevent.person_incidents WITH (security_invoker = true) AS
SELECT p.id AS person_id, p.full_name, p.identifier, p.kind, p.unit, p.valid_from, p.valid_until,
	   a.id AS alert_id, a.occurred_at, a.level, a.categories, a.unit AS incident_unit,
	   a.status AS alert_status, w.id AS order_id, w.status AS order_status
  FROM prevent.person p
  LEFT JOIN prevent.alert a ON a.persons @> ARRAY[p.id] AND a.persons <> '{}'
  LEFT JOIN prevent.work_order w ON w.alert_id = a.id AND w.unit = p.unit;
COMMENT ON VIEW prevent.person_incidents IS 'One person, one plan (一人一策): every person of concern with the alerts that named them (one row per person and alert; a person with none has one row with NULL alert columns)';
COMMENT ON COLUMN prevent.person_incidents.person_id IS 'The person (prevent.person.id)';
COMMENT ON COLUMN prevent.person_incidents.full_name IS 'The person''s name';
COMMENT ON COLUMN prevent.person_incidents.identifier IS 'The identifier incidents name the person by (canonical)';
COMMENT ON COLUMN prevent.person_incidents.kind IS 'The person''s kind (prevent.person_kind)';
COMMENT ON COLUMN prevent.person_incidents.unit IS 'The person''s responsible unit';
COMMENT ON COLUMN prevent.person_incidents.valid_from IS 'Managed from';
COMMENT ON COLUMN prevent.person_incidents.valid_until IS 'Managed until, exclusive (NULL: open)';
COMMENT ON COLUMN prevent.person_incidents.alert_id IS 'An alert naming the person (NULL: none the reader sees)';
COMMENT ON COLUMN prevent.person_incidents.occurred_at IS 'When the incident occurred';
COMMENT ON COLUMN prevent.person_incidents.categories IS 'The alert''s risk categories';
COMMENT ON COLUMN prevent.person_incidents.alert_status IS 'pending, issued, dismissed or recorded';
COMMENT ON COLUMN prevent.person_incidents.level IS 'The alert''s level, after the person''s kind raised it';
COMMENT ON COLUMN prevent.person_incidents.incident_unit IS 'The unit where the incident happened';
COMMENT ON COLUMN prevent.person_incidents.order_id IS 'The work order of the person''s unit for the alert (NULL while the alert is pending, dismissed or recorded)';
COMMENT ON COLUMN prevent.person_incidents.order_status IS 'Its status: issued, accepted, fed_back, closed, evaluated';

CREATE VIEW prevent.person_contact_status WITH (security_invoker = true) AS
SELECT p.id AS person_id, p.full_name, p.identifier, p.kind, p.unit, p.valid_from, p.valid_until,
	   c.last_contact_at, c.contacts, i.last_incident_at, i.incidents
  FROM prevent.person p
  CROSS JOIN LATERAL (SELECT max(x.at) AS last_contact_at, count(*) AS contacts
						FROM prevent.person_contact x WHERE x.person_id = p.id) c
  CROSS JOIN LATERAL (SELECT max(a.occurred_at) AS last_incident_at, count(*) AS incidents
						FROM prevent.alert a WHERE a.persons @> ARRAY[p.id] AND a.persons <> '{}') i;
COMMENT ON VIEW prevent.person_contact_status IS 'Each person of concern with their last contact and last incident; persons not seen for 30 days: WHERE (valid_until IS NULL OR valid_until > now()) AND coalesce(last_contact_at, valid_from) < now() - interval ''30 days''';
COMMENT ON COLUMN prevent.person_contact_status.person_id IS 'The person (prevent.person.id)';
COMMENT ON COLUMN prevent.person_contact_status.full_name IS 'The person''s name';
COMMENT ON COLUMN prevent.person_contact_status.identifier IS 'The identifier incidents name the person by (canonical)';
COMMENT ON COLUMN prevent.person_contact_status.kind IS 'The person''s kind (prevent.person_kind)';
COMMENT ON COLUMN prevent.person_contact_status.unit IS 'The person''s responsible unit';
COMMENT ON COLUMN prevent.person_contact_status.valid_from IS 'Managed from';
COMMENT ON COLUMN prevent.person_contact_status.valid_until IS 'Managed until, exclusive (NULL: open)';
COMMENT ON COLUMN prevent.person_contact_status.last_contact_at IS 'Latest contact recorded with prevent.record_contact() (NULL: none)';
COMMENT ON COLUMN prevent.person_contact_status.contacts IS 'Contacts recorded';
COMMENT ON COLUMN prevent.person_contact_status.last_incident_at IS 'When the latest alert naming the person occurred (NULL: none)';
COMMENT ON COLUMN prevent.person_contact_status.incidents IS 'Alerts naming the person';

SELECT pg_catalog.pg_extension_config_dump('prevent.person_kind', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person_contact', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.person_contact_id_seq', '');

/* ------------------------------------------------------------------------
 * History (all of src/sql/57_history.sql as 0.2.0 has it: only new objects)
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * History: the rows a watched table held before it was watched.
 *
 *   CALL prevent.backfill(tbl, since, batch)   assess them in batches, one
 *                                              transaction each, resumable
 *   prevent.backfill_progress                  how far it is, from any session
 *
 * Both write through the trigger's own path (prevent._assess_history() and
 * prevent._write_history() in src/watch/trigger.c, then the batch writer),
 * so a historic alert has its parties, repeats and orders by the same rules
 * as a new one; it is marked historic, and an incident older than the
 * setting backfill_orders_within is recorded, not issued.  A row that
 * already has an alert (the trigger got it, or an earlier run) is never
 * alerted again: the writer leaves it out (src/watch/alert_batch.sql).
 *
 * Historic writers of one table take turns: each batch locks the table's
 * row of prevent.watched, so two runs (or a run and a rescan) cannot both
 * find a row unalerted and both alert it; live inserts do not take that
 * lock, and a row they insert is the trigger's: a batch that can see it can
 * see its alert too (both commit together).
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent._assess_history(tbl regclass, r record) RETURNS boolean
LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'prevent_assess_history';
COMMENT ON FUNCTION prevent._assess_history(regclass, record) IS
'Internal: assess a row already in watched table tbl and queue its alert as a historic one';

CREATE FUNCTION prevent._write_history() RETURNS bigint
LANGUAGE c AS 'MODULE_PATHNAME', 'prevent_write_history';
COMMENT ON FUNCTION prevent._write_history() IS
'Internal: write the alerts prevent._assess_history() queued; returns the alerts written in the transaction since its last call';

/*
 * The registration of a table whose history is read (back-fill, re-scan), or
 * the error saying why it cannot be; lock: take the historic writers' turn
 * (the table's row of prevent.watched, see above).
 */
CREATE FUNCTION prevent._history_source(tbl regclass, since timestamptz, lock boolean) RETURNS prevent.watched
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w prevent.watched;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'tbl must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF lock THEN
		SELECT * INTO w FROM prevent.watched x WHERE x.source = tbl FOR NO KEY UPDATE;
	ELSE
		SELECT * INTO w FROM prevent.watched x WHERE x.source = tbl;
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'table % is not watched', tbl
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Call prevent.watch() for it first: it gives the table its alert level, and new rows are then assessed as they come.';
	END IF;
	IF since IS NOT NULL AND w.occurred_column IS NULL THEN
		RAISE EXCEPTION 'table % is watched without an occurred column, so since cannot be used', tbl
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Read all rows (since => NULL), or watch the table again with occurred_column.';
	END IF;
	RETURN w;
END
$$;

/* one row per table back-filled: where the run is, kept by pg_dump */
CREATE TABLE prevent.backfill_run (
	source regclass PRIMARY KEY REFERENCES prevent.watched (source) ON DELETE CASCADE,
	since timestamptz,
	batch int NOT NULL,
	rows_total bigint NOT NULL,
	rows_done bigint NOT NULL DEFAULT 0,
	at_level bigint NOT NULL DEFAULT 0,
	alerts bigint NOT NULL DEFAULT 0,
	last_key text,
	end_key text,
	started_at timestamptz NOT NULL,
	resumed_at timestamptz NOT NULL,
	rows_at_resume bigint NOT NULL DEFAULT 0,
	updated_at timestamptz NOT NULL,
	finished_at timestamptz
);
COMMENT ON TABLE prevent.backfill_run IS 'The back-fill of each watched table (prevent.backfill): its progress, committed batch by batch; read prevent.backfill_progress';
COMMENT ON COLUMN prevent.backfill_run.since IS 'Only rows that occurred at or after this (NULL: all rows)';
COMMENT ON COLUMN prevent.backfill_run.rows_total IS 'Rows to assess, counted when the run started';
COMMENT ON COLUMN prevent.backfill_run.at_level IS 'Rows assessed at or above the table''s alert level, or below it but naming a person of concern (who may raise them; alerts says what was written)';
COMMENT ON COLUMN prevent.backfill_run.alerts IS 'Alerts the run wrote (rows alerted before it, by the trigger or an earlier run, are not alerted again)';
COMMENT ON COLUMN prevent.backfill_run.last_key IS 'Key (as text) of the last row assessed: a run resumes after it';
COMMENT ON COLUMN prevent.backfill_run.end_key IS 'Greatest key (as text) when the run started: rows after it came in watched';
COMMENT ON COLUMN prevent.backfill_run.resumed_at IS 'When this run last started or resumed (the rate counts from here)';
SELECT pg_catalog.pg_extension_config_dump('prevent.backfill_run', '');

CREATE VIEW prevent.backfill_progress WITH (security_invoker = true) AS
SELECT r.source, r.since, r.rows_done, r.rows_total,
	   pg_catalog.round(100.0 * LEAST(r.rows_done, r.rows_total) / GREATEST(r.rows_total, 1), 1) AS percent,
	   r.at_level, r.alerts,
	   pg_catalog.round((r.rows_done - r.rows_at_resume)
						/ GREATEST(EXTRACT(epoch FROM r.updated_at - r.resumed_at), 0.001)) AS rows_per_second,
	   CASE WHEN r.finished_at IS NULL AND r.rows_done > r.rows_at_resume
			THEN (r.updated_at - r.resumed_at) * ((GREATEST(r.rows_total - r.rows_done, 0))::float8
												   / (r.rows_done - r.rows_at_resume)) END AS eta,
	   r.started_at, r.updated_at, r.finished_at,
	   CASE WHEN r.finished_at IS NOT NULL THEN 'finished' ELSE 'unfinished' END AS state
  FROM prevent.backfill_run r;
COMMENT ON VIEW prevent.backfill_progress IS
'Each back-fill: rows done of the total, rows at the alert level, alerts written, rate and time left (from its last start or resume); unfinished with an old updated_at: interrupted, CALL prevent.backfill() again to resume';
COMMENT ON COLUMN prevent.backfill_progress.source IS 'The watched table';
COMMENT ON COLUMN prevent.backfill_progress.since IS 'Only rows that occurred at or after this (NULL: all rows)';
COMMENT ON COLUMN prevent.backfill_progress.rows_done IS 'Rows assessed so far';
COMMENT ON COLUMN prevent.backfill_progress.rows_total IS 'Rows to assess, counted when the run started';
COMMENT ON COLUMN prevent.backfill_progress.percent IS 'rows_done of rows_total, in percent';
COMMENT ON COLUMN prevent.backfill_progress.at_level IS 'Rows assessed at or above the table''s alert level, or below it but naming a person of concern (who may raise them; alerts says what was written)';
COMMENT ON COLUMN prevent.backfill_progress.alerts IS 'Alerts the run wrote (rows alerted before are not alerted again)';
COMMENT ON COLUMN prevent.backfill_progress.rows_per_second IS 'Rows assessed per second since the run last started or resumed';
COMMENT ON COLUMN prevent.backfill_progress.eta IS 'Time left at that rate (NULL when finished or before the first batch)';
COMMENT ON COLUMN prevent.backfill_progress.started_at IS 'When the run started';
COMMENT ON COLUMN prevent.backfill_progress.updated_at IS 'When its last batch committed';
COMMENT ON COLUMN prevent.backfill_progress.finished_at IS 'When it finished (NULL: running or interrupted)';
COMMENT ON COLUMN prevent.backfill_progress.state IS 'finished, or unfinished (running, or interrupted if updated_at is old: CALL prevent.backfill() again to resume)';

/*
 * One batch of a back-fill, in the caller's transaction: the next rows by
 * key after the run's last_key (at least batch rows, and every row sharing
 * the last key), assessed and written; returns the run's row after it.
 * start: the first batch of a CALL (begin a run, or resume one).  A run
 * goes up to the greatest key when it started (end_key): rows inserted since
 * are the trigger's, and one with a key in that range is assessed again
 * but not alerted again.
 */
CREATE FUNCTION prevent._backfill_step(tbl regclass, since timestamptz, batch int, start boolean)
RETURNS prevent.backfill_run
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w prevent.watched;
	r prevent.backfill_run;
	key_type regtype;
	written bigint;
	occurred_filter text := 'true';
	hi text;
	n bigint;
	m bigint;
	null_keys bigint;
BEGIN
	IF batch IS NULL OR batch < 1 THEN
		RAISE EXCEPTION 'batch must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	w := prevent._history_source(tbl, since, true);
	IF since IS NOT NULL THEN
		occurred_filter := pg_catalog.format('t.%I >= $3', w.occurred_column);
	END IF;
	key_type := prevent._column_type(tbl, w.key_column, 'key column');

	SELECT * INTO r FROM prevent.backfill_run x WHERE x.source = tbl;
	IF start AND FOUND AND r.finished_at IS NULL THEN
		IF r.since IS DISTINCT FROM since THEN
			RAISE EXCEPTION 'an unfinished back-fill of % has since %, not %', tbl,
					coalesce(r.since::text, 'NULL'), coalesce(since::text, 'NULL')
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  HINT = pg_catalog.format('Call it with since => %L to resume it, or DELETE FROM prevent.backfill_run WHERE source = %L to start over.',
											   r.since, tbl::text);
		END IF;
		UPDATE prevent.backfill_run x SET resumed_at = pg_catalog.clock_timestamp(), rows_at_resume = x.rows_done,
			   batch = _backfill_step.batch, updated_at = pg_catalog.clock_timestamp()
		 WHERE x.source = tbl RETURNING * INTO r;
	ELSIF start OR NOT FOUND THEN
		EXECUTE pg_catalog.format('SELECT count(*) FILTER (WHERE t.%1$I IS NOT NULL), count(*) FILTER (WHERE t.%1$I IS NULL),'
								  ' max(t.%1$I)::text FROM %2$s t WHERE %3$s',
								  w.key_column, tbl, occurred_filter)
		   INTO n, null_keys, hi USING NULL::text, NULL::text, since;
		IF null_keys > 0 THEN
			RAISE WARNING '% rows of % have a NULL key and are not back-filled', null_keys, tbl
				USING DETAIL = pg_catalog.format('The key column is %I.', w.key_column);
		END IF;
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
						WHERE i.indrelid = tbl AND i.indkey[0] = (SELECT a.attnum FROM pg_catalog.pg_attribute a
																	WHERE a.attrelid = tbl AND a.attname = w.key_column)) THEN
			RAISE NOTICE 'no index of % starts with its key column %: each batch reads the whole table', tbl, w.key_column
				USING HINT = 'Create one (CREATE INDEX ... ON tbl (key)) before a back-fill of many rows.';
		END IF;
		INSERT INTO prevent.backfill_run AS x (source, since, batch, rows_total, end_key, started_at, resumed_at, updated_at)
		VALUES (tbl, since, batch, n, hi, pg_catalog.clock_timestamp(), pg_catalog.clock_timestamp(), pg_catalog.clock_timestamp())
		ON CONFLICT (source) DO UPDATE
		   SET since = excluded.since, batch = excluded.batch, rows_total = excluded.rows_total, rows_done = 0,
			   at_level = 0, alerts = 0, last_key = NULL, end_key = excluded.end_key, started_at = excluded.started_at, resumed_at = excluded.resumed_at,
			   rows_at_resume = 0, updated_at = excluded.updated_at, finished_at = NULL
		RETURNING * INTO r;
	END IF;
	IF r.finished_at IS NOT NULL THEN
		RETURN r;
	END IF;

	-- the batch's last key: that of the batch-th next row, or the run's end_key
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.max(s.k)::text FROM (SELECT t.%1$I AS k FROM %2$s t'
		' WHERE ($1 IS NULL OR t.%1$I > $1::%3$s) AND t.%1$I <= $4::%3$s AND %4$s ORDER BY t.%1$I LIMIT $2) s',
		w.key_column, tbl, key_type, occurred_filter)
	   INTO hi USING r.last_key, batch, since, r.end_key;
	IF hi IS NULL THEN
		UPDATE prevent.backfill_run x SET finished_at = pg_catalog.clock_timestamp(), updated_at = pg_catalog.clock_timestamp()
		 WHERE x.source = tbl RETURNING * INTO r;
		RETURN r;
	END IF;
	PERFORM prevent._write_history();	-- count from here
	EXECUTE pg_catalog.format(
		'SELECT pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE prevent._assess_history(%5$L::pg_catalog.regclass, t))'
		' FROM %2$s t WHERE ($1 IS NULL OR t.%1$I > $1::%3$s) AND t.%1$I <= $2::%3$s AND %4$s',
		w.key_column, tbl, key_type, occurred_filter, tbl::oid)
	   INTO n, m USING r.last_key, hi, since;
	written := prevent._write_history();
	UPDATE prevent.backfill_run x
	   SET last_key = hi, rows_done = x.rows_done + n, at_level = x.at_level + m, alerts = x.alerts + written,
		   updated_at = pg_catalog.clock_timestamp()
	 WHERE x.source = tbl RETURNING * INTO r;
	RETURN r;
END
$$;

/*
 * CALL prevent.backfill(tbl, since, batch): assess the rows of watched table
 * tbl (those that occurred at or after since, if given) in batches of about
 * batch rows by key, committing each (so it must be CALLed outside a
 * transaction block) and saying how far it is.  Interrupted, the next CALL
 * with the same since resumes after the last committed batch; a finished
 * one starts over (rows alerted already are not alerted again).
 *
 * A procedure that commits cannot have SET clauses, so this one only loops
 * and reports, with its one comparison qualified; each batch is
 * prevent._backfill_step(), whose search_path is pinned.
 */
CREATE PROCEDURE prevent.backfill(tbl regclass, since timestamptz DEFAULT NULL, batch int DEFAULT 10000)
LANGUAGE plpgsql
AS $$
DECLARE
	r prevent.backfill_run;
	p prevent.backfill_progress;
	first boolean := true;
BEGIN
	LOOP
		r := prevent._backfill_step(tbl, since, batch, first);
		IF first AND r.rows_at_resume OPERATOR(pg_catalog.>) 0 THEN
			RAISE NOTICE 'resumed the back-fill of % after % of % rows', tbl, r.rows_at_resume, r.rows_total;
		END IF;
		first := false;
		COMMIT;
		p := (SELECT x FROM prevent.backfill_progress x WHERE x.source OPERATOR(pg_catalog.=) tbl);
		IF r.finished_at IS NOT NULL THEN
			RAISE NOTICE 'back-filled %: % rows, % at or above the alert level, % new alerts, % rows/s',
				tbl, p.rows_done, p.at_level, p.alerts, p.rows_per_second;
			RETURN;
		END IF;
		RAISE NOTICE 'back-fill of %: % of % rows (% %%), % alerts, % rows/s, about % left',
			tbl, p.rows_done, p.rows_total, p.percent, p.alerts, p.rows_per_second,
			pg_catalog.date_trunc('second', p.eta);
	END LOOP;
END
$$;
COMMENT ON PROCEDURE prevent.backfill(regclass, timestamptz, int) IS
'Assess the rows a watched table already holds, in committed batches, resumable; progress in prevent.backfill_progress';

/* ------------------------------------------------------------------------
 * Re-scan (all of src/sql/58_rescan.sql as 0.2.0 has it: only new objects)
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * Re-scan: which rows already in a watched table a lexicon change would
 * alert.
 *
 *   prevent.rescan(tbl, terms, since, write)
 *
 * After a duty officer adds a term (a new slang word for self-harm), rescan
 * lists the rows of tbl whose narrative contains one of terms (after
 * normalization: the &~| operator, so a prevent.gin_ops index on the
 * narrative column serves it) and whose assessment with the current
 * lexicon reaches the table's alert level; with write => true it also
 * writes the alerts of those rows that have none, as historic alerts,
 * through the back-fill's path (prevent._assess_history() and
 * prevent._write_history(), 57_history.sql): the same writer, the same
 * setting backfill_orders_within, the same rule that a row is alerted once.
 *
 * Locking: a writing rescan holds the lock each back-fill batch takes (the
 * table's row of prevent.watched, FOR NO KEY UPDATE) until its transaction
 * ends, so it and a back-fill of the same table take turns; a reading one
 * takes no lock.
 *
 * Who may call it: like prevent.watch() and prevent.backfill(), the
 * extension owner and superusers only (99_public.sql grants it to no one):
 * it reads every narrative of the table whatever the caller's unit, and
 * writes alerts.  It runs with the caller's rights (a role granted EXECUTE
 * still needs SELECT on tbl).
 * ------------------------------------------------------------------------ */

CREATE FUNCTION prevent._stored_key(key text) RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'prevent_stored_key';
COMMENT ON FUNCTION prevent._stored_key(text) IS
'Internal: a key as prevent.alert.source_key stores it (over 200 bytes: a prefix and a hash), as the trigger writes it';

CREATE TYPE prevent.rescan_hit AS (
	source_key text,
	occurred_at timestamptz,
	level prevent.risk_level,
	score int,
	categories text[],
	terms text[],
	alerted boolean,
	written boolean
);
COMMENT ON TYPE prevent.rescan_hit IS 'A row of prevent.rescan(): a row of the watched table the given terms would alert';
COMMENT ON COLUMN prevent.rescan_hit.source_key IS 'The row''s key, as prevent.alert.source_key stores it';
COMMENT ON COLUMN prevent.rescan_hit.occurred_at IS 'The row''s occurred column (NULL when the table is watched without one)';
COMMENT ON COLUMN prevent.rescan_hit.level IS 'Level under the current lexicon (prevent.assess), at or above the table''s alert level';
COMMENT ON COLUMN prevent.rescan_hit.terms IS 'Terms counted in the score, as prevent.assess gives them';
COMMENT ON COLUMN prevent.rescan_hit.alerted IS 'The row had an alert (prevent.alert, by source and source_key) before this call';
COMMENT ON COLUMN prevent.rescan_hit.written IS 'This call wrote the row''s alert (write => true), as a historic one';

CREATE FUNCTION prevent.rescan(tbl regclass, terms text[], since timestamptz DEFAULT NULL,
							   write boolean DEFAULT false)
RETURNS SETOF prevent.rescan_hit
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	w prevent.watched;
	occurred text := 'NULL::pg_catalog.timestamptz';
	occurred_filter text := 'true';
	hits prevent.rescan_hit[];
	written bigint;
BEGIN
	IF tbl IS NULL OR write IS NULL THEN
		RAISE EXCEPTION 'tbl and write must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF terms IS NULL OR NOT EXISTS (SELECT 1 FROM unnest(terms) t WHERE t IS NOT NULL) THEN
		RAISE EXCEPTION 'no terms to re-scan for'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Pass the terms just added to the lexicon, e.g. ARRAY[''自鲨''].';
	END IF;
	-- a term that normalizes to nothing: the operator's own error, whatever the table holds
	PERFORM '' OPERATOR(prevent.&~|) terms;

	-- a writing re-scan takes the historic writers' turn (57_history.sql)
	w := prevent._history_source(tbl, since, write);
	IF w.occurred_column IS NOT NULL THEN
		occurred := pg_catalog.format('t.%I::pg_catalog.timestamptz', w.occurred_column);
	END IF;
	IF since IS NOT NULL THEN
		-- the column in its own type (timestamptz, timestamp or date) against since: indexable
		occurred_filter := pg_catalog.format('t.%I >= $5', w.occurred_column);
	END IF;

	/*
	 * hit: the rows containing a term (the index condition when tbl has a
	 * prevent.gin_ops index on the narrative), each assessed once; due:
	 * those at the alert level, and whether each has an alert; queued: the
	 * alerts to write handed to the trigger's path, in key order (r, the
	 * whole row, is kept only when writing).  A row with a NULL key cannot
	 * be alerted (back-fill warns of such rows).
	 */
	IF write THEN
		PERFORM prevent._write_history();	-- count the alerts written from here
	END IF;
	EXECUTE pg_catalog.format($q$
		WITH hit AS MATERIALIZED (
			SELECT CASE WHEN $4 THEN t END AS r, t.%1$I AS k,
				   prevent._stored_key(pg_catalog.format('%%s', t.%1$I)) AS source_key,
				   %2$s AS occurred_at, prevent.assess(t.%3$I) AS a
			  FROM %4$s t
			 WHERE t.%3$I OPERATOR(prevent.&~|) $1 AND t.%1$I IS NOT NULL AND %5$s
		), due AS MATERIALIZED (
			SELECT h.*, EXISTS (SELECT 1 FROM prevent.alert x
								 WHERE x.source = $3 AND x.source_key = h.source_key) AS alerted
			  FROM hit h
			 WHERE (h.a).level >= $2
			 ORDER BY h.k
		), queued AS MATERIALIZED (
			SELECT d.*, CASE WHEN $4 AND NOT d.alerted THEN prevent._assess_history($3, d.r) ELSE false END AS queued
			  FROM due d
		)
		SELECT pg_catalog.array_agg(ROW(q.source_key, q.occurred_at, (q.a).level, (q.a).score, (q.a).categories,
										(q.a).terms, q.alerted, q.queued)::prevent.rescan_hit ORDER BY q.k)
		  FROM queued q
		$q$, w.key_column, occurred, w.text_column, tbl, occurred_filter)
	   INTO hits USING terms, w.alert_level, tbl, write, since;

	IF write THEN
		written := prevent._write_history();
		RAISE NOTICE 're-scan of %: % rows at the alert level, % alerted before, % historic alerts written', tbl,
			coalesce(cardinality(hits), 0),
			(SELECT count(*) FROM unnest(hits) h WHERE h.alerted), written;
	END IF;
	-- written: queued, and now alerted (the writer keeps back a row alert_failure holds)
	RETURN QUERY
	SELECT h.source_key, h.occurred_at, h.level, h.score, h.categories, h.terms, h.alerted,
		   h.written AND EXISTS (SELECT 1 FROM prevent.alert x WHERE x.source = tbl AND x.source_key = h.source_key)
	  FROM unnest(hits) WITH ORDINALITY h
	 ORDER BY h.ordinality;
END
$$;
COMMENT ON FUNCTION prevent.rescan(regclass, text[], timestamptz, boolean) IS
'Rows of watched table tbl containing one of terms that the current lexicon rates at the table''s alert level, and whether each is alerted; write => true writes the missing alerts as historic ones, as prevent.backfill() does';

/* ------------------------------------------------------------------------
 * Routing (all of src/sql/59_routing.sql as 0.2.0 has it: only new objects),
 * and the alert counters behind prevent.alert_counts (60_stats.sql: the new
 * objects, refresh_stats() and _stats_config_changed() again; 70_views.sql:
 * the two views)
 * ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------
 * Routing by category: recipients pushed an order for alerts of a category.
 *
 * The practice does not send every order to the police station alone:
 * disputes (neighbour, debt, family) are pushed to the comprehensive
 * governance center (综治中心) to be mediated with justice and community
 * staff, incidents involving minors to the minors' protection side as well
 * (双推送).  A row of prevent.route says: an alert of this category, at or
 * above this level, gets one more work order, for this unit, with this
 * reason, followed by this tier, with these deadlines.  No rows by default:
 * no recipient is assumed.
 *
 * The orders are issued by prevent._issue(), the one place, with the
 * incident's own order (when its level issues at once, when it is a
 * repeat, or on review), as recipients prevent._route_recipients() gives:
 * the alert writer (src/watch/alert_batch.sql) and prevent._review() both
 * call it.  A unit that gets an order for another reason (the incident's
 * own unit, a person of concern's unit) gets one order only, with the first
 * reason.  Orders once issued stay when a route is changed or deleted.
 * Writers only read this table (the lock order in 50_workflow.sql).
 * ------------------------------------------------------------------------ */

CREATE TABLE prevent.route (
	id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	category text NOT NULL REFERENCES prevent.category (name) ON UPDATE CASCADE,
	min_level prevent.risk_level NOT NULL DEFAULT 'low'
		CONSTRAINT route_min_level_check CHECK (min_level OPERATOR(pg_catalog.<>) 'none'),
	unit text NOT NULL CONSTRAINT route_unit_check CHECK (pg_catalog.btrim(unit) OPERATOR(pg_catalog.<>) ''),
	reason text NOT NULL DEFAULT 'category_push'
		CONSTRAINT route_reason_check CHECK (reason IN ('category_push')),
	tier smallint CONSTRAINT route_tier_check CHECK (tier BETWEEN 1 AND 3),
	accept_within interval,
	feedback_within interval,
	close_within interval,
	enabled boolean NOT NULL DEFAULT true,
	note text,
	CONSTRAINT route_category_unit_key UNIQUE (category, unit),
	-- all three deadlines or none (NULL: the level's, prevent.level_policy), increasing
	CONSTRAINT route_due_check CHECK (
		(accept_within IS NULL AND feedback_within IS NULL AND close_within IS NULL)
		OR (accept_within > '0'::interval AND feedback_within >= accept_within AND close_within >= feedback_within))
);
COMMENT ON TABLE prevent.route IS 'Routing by category: an alert of the category at or above min_level gets one more work order, for unit, when its incident''s order is issued (no rows by default)';
COMMENT ON COLUMN prevent.route.category IS 'The alert''s category (prevent.category); an alert with several categories gets the recipients of each';
COMMENT ON COLUMN prevent.route.min_level IS 'Least level of the alert (default low: every alert of the category that is issued)';
COMMENT ON COLUMN prevent.route.unit IS 'The recipient unit, e.g. 综治中心 (its members see its orders: add them with prevent.add_member)';
COMMENT ON COLUMN prevent.route.reason IS 'The reason recorded on the order (prevent.work_order.reason): category_push';
COMMENT ON COLUMN prevent.route.tier IS 'Tier that follows the recipient''s order, besides the alert''s (1 command center, 2 specialist unit, 3 base-control center; NULL: none of its own)';
COMMENT ON COLUMN prevent.route.accept_within IS 'The recipient''s acceptance deadline, from issue (NULL, with the other two: the level''s, prevent.level_policy)';
COMMENT ON COLUMN prevent.route.feedback_within IS 'The recipient''s deadline for the first feedback, from issue';
COMMENT ON COLUMN prevent.route.close_within IS 'The recipient''s deadline for closing, from issue';
COMMENT ON COLUMN prevent.route.enabled IS 'false: the route pushes nothing (orders already issued stay)';

/*
 * The rules with the hints the constraints cannot give (the constraints
 * stay, for rows written with triggers disabled).
 */
CREATE FUNCTION prevent.route_before_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM prevent.check_category(NEW.category);
	IF NEW.min_level = 'none' THEN
		RAISE EXCEPTION 'min_level of a route must not be none' USING ERRCODE = 'check_violation',
			HINT = 'Only alerts are routed: use low (every issued alert of the category) or higher.';
	END IF;
	IF NEW.unit IS NULL OR btrim(NEW.unit) = '' THEN
		RAISE EXCEPTION 'unit of a route must not be empty' USING ERRCODE = 'check_violation',
			HINT = 'Give the code of the recipient unit, e.g. 综治中心.';
	END IF;
	IF NEW.reason IS DISTINCT FROM 'category_push' THEN
		RAISE EXCEPTION 'invalid reason "%" for a route', NEW.reason USING ERRCODE = 'check_violation',
			HINT = 'Routed orders are recorded with reason category_push (leave it to its default).';
	END IF;
	IF NEW.tier NOT BETWEEN 1 AND 3 THEN
		RAISE EXCEPTION 'tier % of a route is out of range', NEW.tier USING ERRCODE = 'check_violation',
			HINT = 'Tiers are 1 (command center), 2 (specialist unit) and 3 (base-control center); NULL: none.';
	END IF;
	IF num_nulls(NEW.accept_within, NEW.feedback_within, NEW.close_within) NOT IN (0, 3)
	   OR NEW.accept_within <= '0'::interval OR NEW.feedback_within < NEW.accept_within
	   OR NEW.close_within < NEW.feedback_within THEN
		RAISE EXCEPTION 'deadlines of a route must be all given and increasing, or all NULL'
			USING ERRCODE = 'check_violation',
				  DETAIL = pg_catalog.format('accept_within %s, feedback_within %s, close_within %s.',
											 coalesce(NEW.accept_within::text, 'NULL'), coalesce(NEW.feedback_within::text, 'NULL'),
											 coalesce(NEW.close_within::text, 'NULL')),
				  HINT = 'Give 0 < accept_within <= feedback_within <= close_within, or leave all three NULL for the level''s (prevent.level_policy).';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER route_before_write BEFORE INSERT OR UPDATE ON prevent.route
	FOR EACH ROW EXECUTE FUNCTION prevent.route_before_write();

-- the recipients of an alert of these categories and level (prevent._issue), one per unit, by unit
CREATE FUNCTION prevent._route_recipients(categories text[], level prevent.risk_level) RETURNS prevent._recipient[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT ARRAY(SELECT ROW(u.unit, u.reason, u.tier, u.accept_within, u.feedback_within, u.close_within)::prevent._recipient
				   FROM (SELECT DISTINCT ON (r.unit) r.unit, r.reason, r.tier, r.accept_within, r.feedback_within, r.close_within
						   FROM prevent.route r
						  WHERE r.enabled AND r.category OPERATOR(pg_catalog.=) ANY (categories)
							AND r.min_level OPERATOR(pg_catalog.<=) level
						  ORDER BY r.unit, r.id) u
				  ORDER BY u.unit);
END;

/*
 * All the recipients of an alert (prevent._issue), in the order their
 * reasons win for a unit named twice: the units of its persons of concern,
 * then those of its categories.  The alert writer and prevent._review()
 * both pass these.
 */
CREATE FUNCTION prevent._recipients(persons bigint[], categories text[], level prevent.risk_level)
RETURNS prevent._recipient[]
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT CASE WHEN pg_catalog.cardinality(persons) OPERATOR(pg_catalog.>) 0 THEN prevent._person_recipients(persons) END
		   OPERATOR(pg_catalog.||) prevent._route_recipients(categories, level);
END;

SELECT pg_catalog.pg_extension_config_dump('prevent.route', '');
SELECT pg_catalog.pg_extension_config_dump('prevent.route_id_seq', '');

/*
 * Alerts per unit, month (report time zone), category and level: what
 * prevent.alert_counts adds up, kept as prevent.order_stats is (statement
 * triggers on prevent.alert add rows, a writer folds them every 1,024 rows;
 * prevent.refresh_stats() and a change of report_time_zone rebuild them).
 * An alert counts once in each of its categories; one with none (raised by
 * a person of concern alone) under category NULL.
 */
CREATE TABLE prevent.alert_stats (
	unit text,
	month date NOT NULL,
	category text,
	level prevent.risk_level NOT NULL,
	alerts bigint NOT NULL
);
CREATE INDEX alert_stats_key_idx ON prevent.alert_stats (unit, month, category, level);
COMMENT ON TABLE prevent.alert_stats IS 'Alert counters per unit, month, category and level, kept by triggers on prevent.alert; read them through prevent.alert_counts (a key may have several rows: add them up)';
COMMENT ON COLUMN prevent.alert_stats.month IS 'First day of the month the incidents occurred in (report time zone)';
COMMENT ON COLUMN prevent.alert_stats.category IS 'One of the alerts'' categories (NULL: alerts with none)';
COMMENT ON COLUMN prevent.alert_stats.alerts IS 'Alerts (negative: taken away by a later change)';
SELECT prevent._restrict_to_unit('prevent.alert_stats');
INSERT INTO prevent._job_lock (job) VALUES ('alert_stats');

-- what one alert adds to the counters (p_sign -1: what it takes away)
CREATE FUNCTION prevent._alert_contribution(p_unit text, p_occurred_at timestamptz, p_categories text[],
	p_level prevent.risk_level, p_sign int, p_time_zone text)
RETURNS TABLE (unit text, month date, category text, level prevent.risk_level, alerts int)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT p_unit, (pg_catalog.date_trunc('month', p_occurred_at AT TIME ZONE p_time_zone))::pg_catalog.date,
		   c.category, p_level, p_sign
	  FROM pg_catalog.unnest(CASE WHEN pg_catalog.cardinality(p_categories) OPERATOR(pg_catalog.>) 0
								  THEN p_categories ELSE '{NULL}'::text[] END) c(category);
END;

-- fold every key's rows into one (rows other transactions are adding now are not seen, and stay)
CREATE FUNCTION prevent._compact_alert_stats() RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	WITH gone AS (DELETE FROM prevent.alert_stats s RETURNING s.*)
	INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
	SELECT g.unit, g.month, g.category, g.level, sum(g.alerts)
	  FROM gone g
	 GROUP BY g.unit, g.month, g.category, g.level
	HAVING sum(g.alerts) <> 0
$$;

/*
 * Whether a writer that just added rows to a counters table folds it now:
 * when one of them is the 1,024th since the last fold (the sequence writes
 * counts them), and no other writer holds the job's row of
 * prevent._job_lock (taken here until the end of the transaction).  For
 * prevent.order_stats and prevent.alert_stats.
 */
CREATE FUNCTION prevent._fold_due(writes regclass, job text, added bigint) RETURNS boolean
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT FROM pg_catalog.generate_series(1, added) WHERE pg_catalog.nextval(writes) % 1024 = 0)
	   AND EXISTS (SELECT FROM prevent._job_lock j WHERE j.job = _fold_due.job FOR UPDATE SKIP LOCKED)
$$;

CREATE OR REPLACE FUNCTION prevent._work_order_stats() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	st prevent.stats_state;
	added bigint;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM prevent.order_stats;
		RETURN NULL;
	END IF;
	-- a statement trigger fires for no rows too (the alert writer's statement for an alert with no order)
	IF TG_OP = 'DELETE' THEN
		PERFORM FROM old_rows LIMIT 1;
	ELSE
		PERFORM FROM new_rows LIMIT 1;
	END IF;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- an update that changed none of the columns counted (escalate_overdue() moving
	-- next_escalation_due, a repeated feedback) nets to zero: not worth summing
	-- (the query is planned only for UPDATE: old_rows exists for no other event)
	IF TG_OP = 'UPDATE' THEN
		IF NOT EXISTS (SELECT o.unit, o.issued_at, o.fed_back_at, o.closed_at, o.resolved FROM old_rows o
					   EXCEPT ALL
					   SELECT n.unit, n.issued_at, n.fed_back_at, n.closed_at, n.resolved FROM new_rows n) THEN
			RETURN NULL;
		END IF;
	END IF;
	-- FOR SHARE: a REPEATABLE READ writer that missed a rebuild fails instead of counting in old months
	SELECT * INTO st FROM prevent.stats_state FOR SHARE;
	-- one statement per event (a transition table exists only for its events); keys that net to
	-- zero (an order accepted: nothing counted changes) are not written
	IF TG_OP = 'INSERT' THEN
		INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
		SELECT x.unit, x.month, x.bucket, sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back)
		  FROM new_rows n, prevent._order_contribution(n.unit, n.issued_at, n.fed_back_at, n.closed_at, n.resolved, 1, st.time_zone, st.bounds) x
		 GROUP BY x.unit, x.month, x.bucket;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
		SELECT x.unit, x.month, x.bucket, sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back)
		  FROM old_rows o, prevent._order_contribution(o.unit, o.issued_at, o.fed_back_at, o.closed_at, o.resolved, -1, st.time_zone, st.bounds) x
		 GROUP BY x.unit, x.month, x.bucket;
	ELSE
		INSERT INTO prevent.order_stats (unit, month, bucket, issued, closed, fed_back_24h, closed_in, resolved_in, fed_back)
		SELECT x.unit, x.month, x.bucket, sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back)
		  FROM (SELECT -1 AS sign, o.unit, o.issued_at, o.fed_back_at, o.closed_at, o.resolved FROM old_rows o
				UNION ALL
				SELECT 1, n.unit, n.issued_at, n.fed_back_at, n.closed_at, n.resolved FROM new_rows n) r,
			   prevent._order_contribution(r.unit, r.issued_at, r.fed_back_at, r.closed_at, r.resolved, r.sign, st.time_zone, st.bounds) x
		 GROUP BY x.unit, x.month, x.bucket
		HAVING prevent._counts_nonzero(sum(x.issued), sum(x.closed), sum(x.fed_back_24h), sum(x.closed_in), sum(x.resolved_in), sum(x.fed_back));
	END IF;
	GET DIAGNOSTICS added = ROW_COUNT;
	IF prevent._fold_due('prevent.order_stats_writes', 'order_stats', added) THEN
		PERFORM prevent._compact_order_stats();
	END IF;
	RETURN NULL;
END
$$;

CREATE SEQUENCE prevent.alert_stats_writes CYCLE;

/*
 * Statement trigger on prevent.alert, as prevent._work_order_stats() is on
 * the orders: one set-based statement adds the statement's changes per key.
 */
CREATE FUNCTION prevent._alert_stats() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tz text;
	added bigint;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM prevent.alert_stats;
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		PERFORM FROM old_rows LIMIT 1;
	ELSE
		PERFORM FROM new_rows LIMIT 1;
	END IF;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- a review (status) changes nothing counted
	IF TG_OP = 'UPDATE' THEN
		IF NOT EXISTS (SELECT o.unit, o.occurred_at, o.categories, o.level FROM old_rows o
					   EXCEPT ALL
					   SELECT n.unit, n.occurred_at, n.categories, n.level FROM new_rows n) THEN
			RETURN NULL;
		END IF;
	END IF;
	-- FOR SHARE: a REPEATABLE READ writer that missed a rebuild fails instead of counting in old months
	SELECT s.time_zone INTO tz FROM prevent.stats_state s FOR SHARE;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
		SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
		  FROM new_rows n, prevent._alert_contribution(n.unit, n.occurred_at, n.categories, n.level, 1, tz) x
		 GROUP BY x.unit, x.month, x.category, x.level;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
		SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
		  FROM old_rows o, prevent._alert_contribution(o.unit, o.occurred_at, o.categories, o.level, -1, tz) x
		 GROUP BY x.unit, x.month, x.category, x.level;
	ELSE
		INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
		SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
		  FROM (SELECT -1 AS sign, o.unit, o.occurred_at, o.categories, o.level FROM old_rows o
				UNION ALL
				SELECT 1, n.unit, n.occurred_at, n.categories, n.level FROM new_rows n) r,
			   prevent._alert_contribution(r.unit, r.occurred_at, r.categories, r.level, r.sign, tz) x
		 GROUP BY x.unit, x.month, x.category, x.level
		HAVING sum(x.alerts) <> 0;
	END IF;
	GET DIAGNOSTICS added = ROW_COUNT;
	IF prevent._fold_due('prevent.alert_stats_writes', 'alert_stats', added) THEN
		PERFORM prevent._compact_alert_stats();
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER alert_stats_insert AFTER INSERT ON prevent.alert
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();
CREATE TRIGGER alert_stats_update AFTER UPDATE ON prevent.alert
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();
CREATE TRIGGER alert_stats_delete AFTER DELETE ON prevent.alert
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();
CREATE TRIGGER alert_stats_truncate AFTER TRUNCATE ON prevent.alert
	FOR EACH STATEMENT EXECUTE FUNCTION prevent._alert_stats();

-- rebuild the alert counters from the alerts (called by the owner's refresh_stats() and _stats_config_changed())
CREATE FUNCTION prevent._rebuild_alert_stats() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	tz text := prevent.report_time_zone();
BEGIN
	-- no fold meanwhile; then wait for the transactions writing alerts now (alert before the counters)
	PERFORM FROM prevent._job_lock j WHERE j.job = 'alert_stats' FOR UPDATE;
	LOCK TABLE prevent.alert IN SHARE MODE;
	DELETE FROM prevent.alert_stats;
	INSERT INTO prevent.alert_stats (unit, month, category, level, alerts)
	SELECT x.unit, x.month, x.category, x.level, sum(x.alerts)
	  FROM prevent.alert a, prevent._alert_contribution(a.unit, a.occurred_at, a.categories, a.level, 1, tz) x
	 GROUP BY x.unit, x.month, x.category, x.level;
END
$$;

CREATE OR REPLACE FUNCTION prevent.refresh_stats() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	orders bigint;
BEGIN
	-- alert before work_order, the lock order of every writer (see 50_workflow.sql)
	LOCK TABLE prevent.alert IN SHARE MODE;
	PERFORM prevent._rebuild_alert_stats();
	orders := prevent._rebuild_order_stats();
	DELETE FROM prevent.party_incident;
	INSERT INTO prevent.party_incident (party, occurred_at, alert_id, unit)
	SELECT DISTINCT p.party, a.occurred_at, a.id, a.unit
	  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.parties) p(party);
	DELETE FROM prevent.repeat_party;
	INSERT INTO prevent.repeat_party (party, unit, incidents, first_at, last_at)
	SELECT p.party, a.unit, count(*), min(a.occurred_at), max(a.occurred_at)
	  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.parties) p(party)
	 WHERE p.party IN (SELECT q.party FROM prevent.alert r CROSS JOIN LATERAL unnest(r.parties) q(party) WHERE r.repeat)
	 GROUP BY p.party, a.unit;
	RETURN orders;
END
$$;
COMMENT ON FUNCTION prevent.refresh_stats() IS
'Rebuild the counters behind the rate views from prevent.work_order, those behind prevent.alert_counts, prevent.party_incident and prevent.repeat_party from prevent.alert (needed only after loading or changing orders or alerts with triggers disabled, or alerts other than through watch()); returns the orders counted';

CREATE OR REPLACE FUNCTION prevent._stats_config_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM prevent.stats_state s
					WHERE s.time_zone = prevent.report_time_zone() AND s.bounds = prevent._feedback_bounds()) THEN
		-- the alert counters are cut by the time zone only; alert before work_order
		IF NOT EXISTS (SELECT 1 FROM prevent.stats_state s WHERE s.time_zone = prevent.report_time_zone()) THEN
			PERFORM prevent._rebuild_alert_stats();
		END IF;
		PERFORM prevent._rebuild_order_stats();
	END IF;
	RETURN NULL;
END
$$;

-- alerts by category: what the counters of prevent.alert_stats add up to (60_stats.sql)
CREATE VIEW prevent.alert_counts WITH (security_invoker = true) AS
SELECT s.unit, s.month, s.category, s.level, sum(s.alerts)::bigint AS alerts
  FROM prevent.alert_stats s
 GROUP BY s.unit, s.month, s.category, s.level
HAVING sum(s.alerts) <> 0;
COMMENT ON VIEW prevent.alert_counts IS 'Alerts per unit, month of occurrence, category and level (one row per key, no totals; see prevent.alert_counts_total). An alert with several categories counts once in each: add up over categories only for one category at a time';
COMMENT ON COLUMN prevent.alert_counts.unit IS 'Unit (police station) of the incidents';
COMMENT ON COLUMN prevent.alert_counts.month IS 'First day of the month the incidents occurred in (report time zone)';
COMMENT ON COLUMN prevent.alert_counts.category IS 'Risk category (prevent.category; NULL: alerts with no category, raised by a person of concern alone)';
COMMENT ON COLUMN prevent.alert_counts.level IS 'Alert level (low, medium, high, critical)';
COMMENT ON COLUMN prevent.alert_counts.alerts IS 'Alerts of the unit, month, category and level';

CREATE VIEW prevent.alert_counts_total WITH (security_invoker = true) AS
SELECT c.month, c.category, c.level, sum(c.alerts)::bigint AS alerts
  FROM prevent.alert_counts c
 GROUP BY c.month, c.category, c.level;
COMMENT ON VIEW prevent.alert_counts_total IS 'Alerts of all units per month of occurrence, category and level';
COMMENT ON COLUMN prevent.alert_counts_total.month IS 'First day of the month the incidents occurred in (report time zone)';
COMMENT ON COLUMN prevent.alert_counts_total.category IS 'Risk category (NULL: alerts with no category)';
COMMENT ON COLUMN prevent.alert_counts_total.level IS 'Alert level (low, medium, high, critical)';
COMMENT ON COLUMN prevent.alert_counts_total.alerts IS 'Alerts of the month, category and level';

-- the alerts of 0.1.0, counted
SELECT prevent._rebuild_alert_stats();

/* ------------------------------------------------------------------------
 * Lexicon (84_findings.sql): findings that close a case, publicity
 * wording, blunt weapons
 * ------------------------------------------------------------------------ */

INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.* FROM (VALUES
	-- a dispute settled
	('签订调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement signed', true),
	('签订了调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement signed', true),
	('达成调解协议', NULL, 1, 'disposition', 'finding: mediated, agreement reached', true),
	('达成和解', NULL, 1, 'disposition', 'finding: settled', true),
	('握手言和', NULL, 1, 'disposition', 'finding: reconciled', true),
	('调解成功', NULL, 1, 'disposition', 'finding: mediation succeeded', true),
	('矛盾已化解', NULL, 1, 'disposition', 'finding: the conflict is resolved', true),
	('纠纷已化解', NULL, 1, 'disposition', 'finding: the dispute is resolved', true),
	('已妥善化解', NULL, 1, 'disposition', 'finding: resolved', true),
	-- money paid
	('全部结清', NULL, 1, 'disposition', 'finding: wages or debt paid in full', true),
	('已结清', NULL, 1, 'disposition', 'finding: paid', true),
	('足额发放', NULL, 1, 'disposition', 'finding: wages paid in full', true),
	-- found, back home (the child's absence only)
	('自行回家', 'minor', 1, 'disposition', 'scope: minor (came home by itself)', true),
	('自行返回', 'minor', 1, 'disposition', 'scope: minor (came back by itself)', true),
	('已联系上', 'minor', 1, 'disposition', 'scope: minor (reached)', true),
	('已返回家中', 'minor', 1, 'disposition', 'scope: minor (back home)', true),
	('已回到家中', 'minor', 1, 'disposition', 'scope: minor (back home)', true),
	-- nothing found
	('无安全隐患', NULL, 1, 'disposition', 'finding: an inspection found no hazard', true),
	('账物相符', NULL, 1, 'disposition', 'finding: stock (explosives, firearms) tallies', true),
	('证照齐全', NULL, 1, 'disposition', 'finding: licensed and in order', true),
	('断章取义', NULL, 1, 'disposition', 'finding: quoted out of context', true),
	('玩笑话', NULL, 1, 'disposition', 'finding: a joke', true),
	('屋内无异常', NULL, 1, 'disposition', 'finding: nothing wrong on scene', true),
	-- publicity and prevention, and things named after a risk
	('预防自杀', NULL, 1, 'exclude', 'prevention work (班会, 讲座)', true),
	('防范自杀', NULL, 1, 'exclude', 'prevention work', true),
	('自杀干预', NULL, 1, 'exclude', 'prevention work (hotline, training)', true),
	('禁枪宣传', NULL, 1, 'exclude', 'publicity', true),
	('禁枪禁爆', NULL, 1, 'exclude', 'publicity', true),
	('放火烧山', NULL, 1, 'exclude', 'forest-fire slogan 放火烧山，牢底坐穿', true),
	('防拐骗', NULL, 1, 'exclude', 'safety lesson', true),
	('刀片服务器', NULL, 1, 'exclude', 'a server', true),
	('子弹头', NULL, 1, 'exclude', 'a bullet train', true),
	('细胞自杀', NULL, 1, 'exclude', 'biology (apoptosis)', true)) v (term, category, weight, kind, note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

INSERT INTO prevent.negation (cue, "window", note, builtin)
SELECT v.* FROM (VALUES
	('开玩笑说', 12, 'a remark introduced as a joke (我不是开玩笑 is a keyword, not this)', true)) v (cue, "window", note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.negation n WHERE n.cue_norm = prevent.normalize(v.cue));

-- a child lost is a child missing (老人走失 has no child's age: no combination)
UPDATE prevent.keyword SET signal = 'missing'
 WHERE builtin AND kind = 'match' AND term = '走失' AND signal IS NULL;

-- blunt weapons in hand (钢管, 铁棍 alone: building sites and scrap yards)
INSERT INTO prevent.keyword (term, category, weight, kind, note, builtin)
SELECT v.* FROM (VALUES
	('持钢管', 'weapon', 35, 'match', 'means: a pipe in hand', true),
	('拿钢管', 'weapon', 30, 'match', 'means: a pipe in hand', true),
	('持铁棍', 'weapon', 35, 'match', 'means: an iron bar in hand', true),
	('拿铁棍', 'weapon', 30, 'match', 'means: an iron bar in hand', true),
	('持棍棒', 'weapon', 35, 'match', 'means: clubs in hand', true),
	('棒球棍', 'weapon', 25, 'match', 'means: rarely for baseball in a police report', true)) v (term, category, weight, kind, note, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM prevent.keyword k WHERE k.term_norm = prevent.normalize(v.term));

/* ------------------------------------------------------------------------
 * PUBLIC (99_public.sql of 0.2.0, again): everything revoked, then what
 * PUBLIC may use named, so that whatever the sections above added is
 * closed to PUBLIC until it is named here.
 * ------------------------------------------------------------------------ */

REVOKE ALL ON ALL TABLES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA prevent FROM PUBLIC;
REVOKE ALL ON ALL ROUTINES IN SCHEMA prevent FROM PUBLIC;
GRANT USAGE ON SCHEMA prevent TO PUBLIC;
GRANT SELECT ON prevent.category, prevent.keyword, prevent.negation, prevent.proximity, prevent.combination,
	prevent.risk_threshold, prevent.setting, prevent.level_policy, prevent.unit_member,
	prevent.feedback_bucket, prevent.party_ignore, prevent.person_kind, prevent.route TO PUBLIC;
-- the progress of back-fills, as pg_stat_progress_* shows other sessions' work: not the last key
GRANT SELECT (source, since, batch, rows_total, rows_done, at_level, alerts, started_at, resumed_at, rows_at_resume,
			  updated_at, finished_at) ON prevent.backfill_run TO PUBLIC;
GRANT SELECT ON prevent.backfill_progress TO PUBLIC;
-- the read-only API, callable by anyone
GRANT EXECUTE ON FUNCTION prevent.normalize(text), prevent.match(text), prevent.assess(text),
	prevent.score(text), prevent.level(int), prevent.highlight(text, text, text), prevent.terms(text),
	prevent.contains(text, text), prevent.contains_any(text, text[]),
	prevent.parties(text, text[]), prevent.resident_id_valid(text), prevent.my_units(),
	prevent.check_term(text, text), prevent.check_category(text), prevent.check_weight(text, int),
	prevent.setting_int(text, int), prevent.may_act(name, text),
	prevent.report_time_zone(), prevent.rate(bigint, bigint), prevent._is_text_type(regtype),
	prevent.order_is_open(text), prevent.order_breaches(prevent.work_order, timestamptz),
	prevent.max_term_length(), prevent.max_window(),
	prevent.explain(text), prevent.lexicon_report_records(text, prevent.risk_level, prevent.risk_level),
	prevent.lexicon_report(text, prevent.risk_level, prevent.risk_level), prevent.lexicon_report_terms(text, prevent.risk_level),
	prevent.version()
	TO PUBLIC;

/* ------------------------------------------------------------------------
 * Members (10_access.sql): the rights prevent.add_member gave, again for
 * every member, so that readers see the views added above
 * ------------------------------------------------------------------------ */

SELECT prevent._grant_for_access(m.member)
  FROM (SELECT DISTINCT u.member FROM prevent.unit_member u
		 WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) u.member::pg_catalog.oid)) m;

/* ------------------------------------------------------------------------
 * Sessions (src/watch/registry.c, the version rule): a statement on
 * prevent.watched invalidates what every session's library cached about
 * the extension's objects, so that a session of another library version
 * checks the version again before it writes.  Keep it last.
 * ------------------------------------------------------------------------ */

UPDATE prevent.watched w SET source = w.source WHERE false;
