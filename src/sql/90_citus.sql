/* ------------------------------------------------------------------------
 * A Citus cluster, distributed by unit (README, Distributed deployment).
 * prevent.distribute(), run once on the coordinator after CREATE EXTENSION
 * citus and prevent and before any prevent.watch(), makes the tables that
 * every node reads (lexicon, settings, policies, registrations, members,
 * persons, routes) reference tables, and the per-unit tables (alert,
 * work_order, escalation, event) tables distributed by unit, keyed
 * (unit, id) and co-located with each other; incident tables are then
 * distributed by their unit column, co-located with prevent.alert, and
 * watched.  Nothing here runs on a single node.
 * ------------------------------------------------------------------------ */

-- whether the current role sees a unit's rows: the policies on distributed tables (Citus
-- refuses policies with subqueries).  On a worker, where the policy is evaluated on the
-- shards, it reads that node's copy of the reference table prevent.unit_member (a query on the
-- table itself would be a distributed query nested in one on a shard, which Citus refuses).
CREATE FUNCTION prevent.sees_unit(unit text) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	units text[];
	shard text;
BEGIN
	-- (as prevent._on_citus_worker(), which its callers may not execute)
	IF to_regclass('pg_catalog.pg_dist_local_group') IS NOT NULL THEN
		SELECT format('prevent.%I', 'unit_member_' || s.shardid) INTO shard
		  FROM pg_dist_shard s
		 WHERE s.logicalrelid = 'prevent.unit_member'::regclass
		   AND EXISTS (SELECT 1 FROM pg_dist_local_group g WHERE g.groupid <> 0);
	END IF;
	IF shard IS NOT NULL THEN
		EXECUTE format('SELECT array_agg(DISTINCT m.unit) FROM %s m JOIN pg_roles r ON r.oid = m.member::oid '
					   'WHERE pg_has_role(current_user, r.oid, ''MEMBER'')', shard) INTO units;
	ELSE
		units := ARRAY(SELECT prevent.my_units());
	END IF;
	RETURN '*' = ANY (units) OR sees_unit.unit = ANY (units);
END
$$;
COMMENT ON FUNCTION prevent.sees_unit(text) IS 'Whether the current role sees the rows of a unit (prevent.my_units())';

/*
 * A statement run on every worker, each in its own transaction there
 * (run_command_on_workers), and one run here and there: how distribute()
 * changes prevent's own tables on the workers before Citus takes them over
 * (for tables of an extension, Citus uses the workers' own copies as their
 * shells).
 */
CREATE FUNCTION prevent._on_workers(command text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r record;
BEGIN
	FOR r IN EXECUTE 'SELECT w.nodename, w.nodeport, w.success, w.result FROM pg_catalog.run_command_on_workers($1) w'
			 USING command LOOP
		IF NOT r.success THEN
			RAISE EXCEPTION 'on worker %:%: %', r.nodename, r.nodeport, r.result
				USING ERRCODE = 'external_routine_exception',
					  DETAIL = pg_catalog.format('The statement was: %s', command);
		END IF;
	END LOOP;
END
$$;
REVOKE ALL ON FUNCTION prevent._on_workers(text) FROM PUBLIC;

CREATE FUNCTION prevent._on_every_node(command text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	EXECUTE command;
	PERFORM prevent._on_workers(command);
END
$$;
REVOKE ALL ON FUNCTION prevent._on_every_node(text) FROM PUBLIC;

CREATE FUNCTION prevent.distribute(shard_count int DEFAULT NULL) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	reference_tables text[] := ARRAY['category', 'keyword', 'negation', 'proximity', 'combination',
		'risk_threshold', 'setting', 'level_policy', 'party_ignore', 'watched', 'unit_member',
		'person_kind', 'person', 'route', 'feedback_bucket'];
	unit_tables text[] := ARRAY['alert', 'work_order', 'escalation', 'event'];
	t text;
	d text;
	r record;
	fks text[] := '{}';
	trigs text[];
BEGIN
	IF to_regproc('pg_catalog.create_reference_table') IS NULL THEN
		RAISE EXCEPTION 'prevent.distribute() needs the extension citus'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Run it on the coordinator of a Citus cluster, after CREATE EXTENSION citus.';
	END IF;
	IF prevent._on_citus_worker() THEN
		RAISE EXCEPTION 'prevent.distribute() runs on the coordinator'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Connect to the coordinator and call it there.';
	END IF;
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid OPERATOR(pg_catalog.=) 'prevent.alert'::regclass) THEN
		RAISE EXCEPTION 'prevent is distributed already'
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	IF EXISTS (SELECT 1 FROM prevent.watched) OR EXISTS (SELECT 1 FROM prevent.alert) THEN
		RAISE EXCEPTION 'prevent.distribute() needs a database with no watched table and no alert'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Registrations name tables by OID, which differ between nodes; alerts would need their unit keys moved.',
				  HINT = 'Call prevent.unwatch() for each watched table, distribute, then watch them again.';
	END IF;
	-- foreign keys between prevent's tables: Citus converts a local table referencing a new
	-- reference table, so all go first; those between reference tables come back
	FOR r IN SELECT c.conrelid::regclass AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def,
					cl.relname, rf.relname AS refname
			   FROM pg_constraint c
			   JOIN pg_class cl ON cl.oid = c.conrelid
			   JOIN pg_class rf ON rf.oid = c.confrelid
			  WHERE c.contype = 'f' AND c.connamespace = 'prevent'::regnamespace LOOP
		PERFORM prevent._on_every_node(format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname));
		IF r.relname = ANY (reference_tables) AND r.refname = ANY (reference_tables) THEN
			fks := fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
		END IF;
	END LOOP;
	FOREACH t IN ARRAY reference_tables LOOP
		-- the triggers come back after Citus copied the rows (none fires during the copy),
		-- except those restoring built-in rows (pg_dump) and the statistics' (on a
		-- cluster, prevent.refresh_stats() counts), and none fires on TRUNCATE (Citus
		-- refuses that on shards)
		trigs := '{}';
		FOR r IN SELECT g.tgname, pg_get_triggerdef(g.oid) AS def FROM pg_trigger g
				  WHERE g.tgrelid = format('prevent.%I', t)::regclass AND NOT g.tgisinternal LOOP
			PERFORM prevent._on_every_node(format('DROP TRIGGER %I ON prevent.%I', r.tgname, t));
			IF r.tgname NOT LIKE '%restore_builtin' AND r.tgname NOT LIKE '%stats' THEN
				trigs := trigs || regexp_replace(replace(r.def, ' OR TRUNCATE', ''),
												 '^CREATE TRIGGER', 'CREATE OR REPLACE TRIGGER');
			END IF;
		END LOOP;
		IF EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = format('prevent.%I', t)::regclass) THEN
			PERFORM prevent._on_every_node(format('DROP POLICY %I ON prevent.%I', t || '_by_unit', t));
			trigs := trigs || format('CREATE POLICY %I ON prevent.%I FOR SELECT USING (prevent.sees_unit(unit))',
									 t || '_by_unit', t);
		END IF;
		PERFORM create_reference_table(format('prevent.%I', t));
		FOREACH d IN ARRAY trigs LOOP
			EXECUTE d;
		END LOOP;
	END LOOP;
	FOREACH d IN ARRAY fks LOOP
		EXECUTE d;
	END LOOP;
	-- per-unit tables: keyed by unit and id, no trigger (the link job keeps the derived
	-- tables), policies without subqueries
	FOREACH t IN ARRAY unit_tables LOOP
		FOR r IN SELECT g.tgname FROM pg_trigger g
				  WHERE g.tgrelid = format('prevent.%I', t)::regclass AND NOT g.tgisinternal LOOP
			PERFORM prevent._on_every_node(format('DROP TRIGGER %I ON prevent.%I', r.tgname, t));
		END LOOP;
		PERFORM prevent._on_every_node(format('ALTER TABLE prevent.%I DROP CONSTRAINT %I, ALTER COLUMN unit SET NOT NULL, '
											  'ADD CONSTRAINT %I PRIMARY KEY (unit, id)', t, t || '_pkey', t || '_pkey'));
		PERFORM prevent._on_every_node(format('DROP POLICY %I ON prevent.%I', t || '_by_unit', t));
		PERFORM prevent._on_every_node(format('CREATE POLICY %I ON prevent.%I FOR SELECT USING (prevent.sees_unit(unit))',
											  t || '_by_unit', t));
	END LOOP;
	PERFORM prevent._on_every_node('DROP INDEX prevent.escalation_once_idx');
	PERFORM prevent._on_every_node('CREATE UNIQUE INDEX escalation_once_idx ON prevent.escalation '
								   '(unit, work_order_id, tier, reason, COALESCE(breach, ''''))');
	PERFORM create_distributed_table('prevent.alert', 'unit',
		shard_count => coalesce(shard_count, current_setting('citus.shard_count')::int), colocate_with => 'none');
	PERFORM create_distributed_table('prevent.work_order', 'unit', colocate_with => 'prevent.alert');
	PERFORM create_distributed_table('prevent.escalation', 'unit', colocate_with => 'prevent.alert');
	PERFORM create_distributed_table('prevent.event', 'unit', colocate_with => 'prevent.alert');
	PERFORM create_distributed_table('prevent.alert_link', 'unit', colocate_with => 'prevent.alert');
	-- the workers' sessions (Citus's connections, from their next
	-- one on) get a search_path of pg_catalog only, so that a regclass they print (below) names its
	-- schema: public.name resolves on the coordinator whatever its search_path (first: in separate
	-- transactions, before this one's ALTER DATABASE reaches them)
	PERFORM prevent._on_workers(format('SET citus.enable_ddl_propagation = off; ALTER DATABASE %I SET search_path = pg_catalog',
									  current_database()));
	-- the workers' results as text: a regclass (prevent.alert.source) names the table there, and
	-- its OID differs between nodes
	EXECUTE format('ALTER DATABASE %I SET citus.enable_binary_protocol = off', current_database());
	PERFORM set_config('citus.enable_binary_protocol', 'off', false);
	-- overdue_orders finds an order's escalations by unit with IS NOT DISTINCT FROM (a null unit
	-- on a single node); units are not null here, and Citus plans the co-located join with "="
	d := pg_get_viewdef('prevent.overdue_orders'::regclass);
	IF position('(NOT (e.unit IS DISTINCT FROM w.unit))' IN d) = 0 THEN
		RAISE EXCEPTION 'the definition of prevent.overdue_orders is not the expected one'
			USING ERRCODE = 'internal_error';
	END IF;
	EXECUTE 'CREATE OR REPLACE VIEW prevent.overdue_orders WITH (security_invoker = true) AS '
			|| replace(d, '(NOT (e.unit IS DISTINCT FROM w.unit))', '(e.unit = w.unit)');
	-- the policies call it as the reading role
	PERFORM prevent._on_every_node('GRANT EXECUTE ON FUNCTION prevent.sees_unit(text) TO PUBLIC');
	-- ids unique across nodes: each node draws from its own range, 2^48 ids from its group's
	-- number times 2^48 (the coordinator, group 0, from 1), as Citus does for bigint sequences
	PERFORM prevent._on_every_node('SELECT pg_catalog.count(pg_catalog.setval(s, ((SELECT g.groupid FROM pg_catalog.pg_dist_local_group g)::pg_catalog.int8 '
								   'OPERATOR(pg_catalog.<<) 48) OPERATOR(pg_catalog.+) 1, false)) '
								   'FROM unnest(''{prevent.alert_id_seq,prevent.work_order_id_seq,prevent.escalation_id_seq,prevent.event_id_seq}''::pg_catalog.regclass[]) s');
END
$$;
COMMENT ON FUNCTION prevent.distribute(int) IS
'On the coordinator of a Citus cluster, once, before watching: reference tables for what every node reads, the per-unit tables distributed by unit';
REVOKE ALL ON FUNCTION prevent.distribute(int) FROM PUBLIC;

/*
 * The writer of alerts from a Citus shard (src/watch/writer.c calls it on
 * the worker that holds the shard, as the extension owner): each alert,
 * its unit's own order when its level issues at once, that order's
 * escalations and its event, written into the shards of prevent.alert,
 * work_order, escalation and event co-located with the incident's, which
 * are on this node; nothing of another unit is read or written, and no
 * lock is taken beyond the rows written.  Repeats, orders to other units
 * and persons of concern are prevent.link_alerts()'s, on the coordinator.
 * An updated row whose alert exists is left as it is.
 */
CREATE FUNCTION prevent._write_shard(batch prevent._alert_input[], actor name) RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	policies prevent.level_policy[] := ARRAY(SELECT p FROM prevent.level_policy p);
	manual text := current_setting('citus.enable_manual_changes_to_shards', true);
	g record;
	shards text[];
	written bigint := 0;
	n bigint;
BEGIN
	IF coalesce(cardinality(batch), 0) = 0 THEN
		RETURN 0;
	END IF;
	PERFORM set_config('citus.enable_manual_changes_to_shards', 'on', true);
	FOR g IN SELECT pg_catalog.get_shard_id_for_distribution_column('prevent.alert', x.unit) AS shard,
					array_agg(x) AS items
			   FROM unnest(batch) x
			  GROUP BY 1 LOOP
		-- the co-located shards of the four tables, by their hash range
		shards := ARRAY(SELECT format('prevent.%I', t.relname || '_' || o.shardid)
						  FROM pg_dist_shard a
						 CROSS JOIN unnest(ARRAY['alert', 'work_order', 'escalation', 'event']) WITH ORDINALITY t(relname, n)
						  JOIN pg_dist_shard o ON o.logicalrelid = format('prevent.%I', t.relname)::regclass
											  AND o.shardminvalue = a.shardminvalue
						 WHERE a.shardid = g.shard
						 ORDER BY t.n);
		IF cardinality(shards) <> 4 OR to_regclass(shards[1]) IS NULL THEN
			RAISE EXCEPTION 'the shard of prevent.alert for unit % is not on this node', (g.items[1]).unit
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'A watched distributed table must be co-located with prevent.alert.',
					  HINT = 'Distribute the table with colocate_with => ''prevent.alert'' (README, Distributed deployment).';
		END IF;
		EXECUTE format($q$
			WITH b AS MATERIALIZED (
				SELECT nextval('prevent.alert_id_seq'::regclass) AS id, x.source, x.source_key, x.unit,
					   coalesce(x.occurred_at, now()) AS occurred_at, x.score, x.level, x.categories, x.terms,
					   x.parties, x.historic, coalesce(p.auto_issue AND NOT x.historic, false) AS issue,
					   p.tiers, p.accept_within, p.feedback_within, p.close_within
				  FROM unnest($1::prevent._alert_input[]) x
				  LEFT JOIN unnest($3::prevent.level_policy[]) p ON p.level = x.level
				 WHERE x.level >= x.alert_level
				   AND NOT EXISTS (SELECT 1 FROM %1$s a
									WHERE x.reassess AND a.unit = x.unit AND a.source = x.source
									  AND a.source_key = x.source_key)
			), ins_alert AS (
				INSERT INTO %1$s (id, source, source_key, unit, occurred_at, score, level, categories, terms, parties,
								  historic, status)
				SELECT b.id, b.source, b.source_key, b.unit, b.occurred_at, b.score, b.level, b.categories, b.terms,
					   b.parties, b.historic, CASE WHEN b.issue THEN 'issued' ELSE 'pending' END
				  FROM b
				RETURNING 1
			), o AS MATERIALIZED (
				SELECT b.*, nextval('prevent.work_order_id_seq'::regclass) AS order_id FROM b WHERE b.issue
			), ins_order AS (
				INSERT INTO %2$s (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
				SELECT o.order_id, o.id, o.unit, o.level, 'risk_level', now(), now() + o.accept_within,
					   now() + o.feedback_within, now() + o.close_within
				  FROM o
				RETURNING 1
			), ins_escalation AS (
				INSERT INTO %3$s (id, work_order_id, unit, tier, reason, created_at)
				SELECT nextval('prevent.escalation_id_seq'::regclass), o.order_id, o.unit, t.tier, 'risk_level', now()
				  FROM o CROSS JOIN unnest(o.tiers) t(tier)
				RETURNING 1
			), ins_event AS (
				INSERT INTO %4$s (id, work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)
				SELECT nextval('prevent.event_id_seq'::regclass), o.order_id, o.id, o.unit, 'issue', NULL, 'issued', now(),
					   SESSION_USER, $2
				  FROM o
				RETURNING 1
			)
			SELECT count(*) FROM ins_alert$q$, shards[1], shards[2], shards[3], shards[4])
			INTO n USING g.items, actor, policies;
		written := written + n;
	END LOOP;
	PERFORM set_config('citus.enable_manual_changes_to_shards', coalesce(manual, 'off'), true);
	RETURN written;
END
$$;
REVOKE ALL ON FUNCTION prevent._write_shard(prevent._alert_input[], name) FROM PUBLIC;

/*
 * The alerts prevent.link_alerts() has handled, by unit (on a Citus
 * cluster, distributed with prevent.alert; empty on a single node, where
 * the alert writer does that work in the inserting transaction).
 */
CREATE TABLE prevent.alert_link (
	unit text NOT NULL,
	alert_id bigint NOT NULL,
	linked_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (unit, alert_id)
);
COMMENT ON TABLE prevent.alert_link IS 'Alerts prevent.link_alerts() has handled (a Citus cluster only)';
SELECT pg_catalog.pg_extension_config_dump('prevent.alert_link', '');

/*
 * The cross-unit work on a Citus cluster, which the shard writer leaves:
 * run on the coordinator by pg_cron (README, Distributed deployment), it
 * takes the alerts not yet linked and, as the alert writer does on a
 * single node, flags the repeats (a party with repeat_threshold incidents
 * within the table's repeat_window, over every unit), issues a repeat's
 * order to its own unit if it has none open (reason repeat) and to the
 * units of its party's other incidents (cross_jurisdiction, at most the
 * setting cross_jurisdiction_max_units), and adds the repeat and
 * cross-jurisdiction escalations to the alert's orders.  Alerts linked in
 * one run count each other in the order they occurred.  Idempotent: an
 * alert is linked once (prevent.alert_link), an order made only where the
 * alert has none open for that unit, an escalation only once.  One run at a
 * time (a second one returns 0 at once).  Returns the alerts linked (0 on
 * a single node, where the alert writer links them).
 * Not done on a cluster: prevent.repeat_party and the counters
 * (prevent.refresh_stats() rebuilds those), persons of concern.
 */
CREATE FUNCTION prevent.link_alerts() RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	repeat_tier constant smallint := prevent.setting_int('repeat_tier', 3);
	cross_tier constant smallint := prevent.setting_int('cross_jurisdiction_tier', 1);
	max_units constant int := prevent.setting_int('cross_jurisdiction_max_units', 5);
	link_parties text[];
	ids bigint[];
	n bigint;
	distributed boolean;
BEGIN
	-- a single node links in the alert writer: nothing to do
	IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN 0;
	END IF;
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p '
			'WHERE p.logicalrelid OPERATOR(pg_catalog.=) ''prevent.alert''::pg_catalog.regclass)' INTO distributed;
	IF NOT distributed THEN
		RETURN 0;
	END IF;
	IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('prevent.link_alerts')) THEN
		RETURN 0;
	END IF;
	-- (the table's repeat rule joined on the workers: a regclass is an OID of the node it is on)
	CREATE TEMP TABLE link_new (unit text, id bigint, occurred_at timestamptz, parties text[],
								level prevent.risk_level, status text, repeat_window interval,
								repeat_threshold int) ON COMMIT DROP;
	INSERT INTO link_new
	SELECT a.unit, a.id, a.occurred_at, a.parties, a.level, a.status, w.repeat_window, w.repeat_threshold
	  FROM prevent.alert a
	  LEFT JOIN prevent.watched w ON w.source = a.source
	 WHERE NOT EXISTS (SELECT 1 FROM prevent.alert_link l WHERE l.unit = a.unit AND l.alert_id = a.id);
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n = 0 THEN
		RETURN 0;
	END IF;
	link_parties := ARRAY(SELECT DISTINCT p FROM link_new x CROSS JOIN LATERAL unnest(x.parties) p);
	-- every alert of those parties, on every node
	CREATE TEMP TABLE link_history (unit text, id bigint, party text, occurred_at timestamptz) ON COMMIT DROP;
	INSERT INTO link_history
	SELECT a.unit, a.id, p.party, a.occurred_at
	  FROM prevent.alert a CROSS JOIN LATERAL unnest(a.parties) p(party)
	 WHERE a.parties OPERATOR(pg_catalog.&&) link_parties AND p.party = ANY (link_parties);
	-- (indexed and analyzed: the repeat check probes them once per party of each new alert)
	CREATE INDEX ON link_history (party, occurred_at);
	CREATE INDEX ON link_new (unit, id);
	ANALYZE link_history;
	ANALYZE link_new;
	CREATE TEMP TABLE link_policy ON COMMIT DROP AS
	SELECT p.level, p.accept_within, p.feedback_within, p.close_within FROM prevent.level_policy p;
	-- the repeats: a party of the alert with repeat_threshold incidents within the window (the
	-- alert's own included), an alert linked in this run counting only if it occurred before
	CREATE TEMP TABLE link_hit ON COMMIT DROP AS
	SELECT x.unit, x.id, x.level, x.status,
		   (SELECT array_agg(u.unit ORDER BY u.latest DESC, u.unit)
			  FROM (SELECT h.unit, max(h.occurred_at) AS latest
					  FROM link_history h
					 WHERE h.party = ANY (r.hit_parties) AND h.unit <> x.unit
					   AND h.occurred_at BETWEEN x.occurred_at - r.repeat_window AND x.occurred_at + r.repeat_window
					 GROUP BY h.unit
					 ORDER BY max(h.occurred_at) DESC, h.unit
					 LIMIT max_units) u) AS other_units
	  FROM link_new x
	 CROSS JOIN LATERAL (
			SELECT x.repeat_window, array_agg(p.party) AS hit_parties
			  FROM unnest(x.parties) p(party)
			 WHERE (SELECT count(*) FROM link_history h
					 WHERE h.party = p.party
					   AND h.occurred_at BETWEEN x.occurred_at - x.repeat_window AND x.occurred_at + x.repeat_window
					   AND (h.unit, h.id) IS DISTINCT FROM (x.unit, x.id)
					   AND NOT EXISTS (SELECT 1 FROM link_new y
										WHERE y.unit = h.unit AND y.id = h.id
										  AND (y.occurred_at, y.id) > (x.occurred_at, x.id)))
				   + 1 >= x.repeat_threshold
			 GROUP BY x.repeat_window) r
	 WHERE x.status IN ('pending', 'issued');
	ids := ARRAY(SELECT h.id FROM link_hit h);
	IF ids <> '{}' THEN
		UPDATE prevent.alert a
		   SET repeat = true, status = 'issued'
		 WHERE a.id = ANY (ids) AND (NOT a.repeat OR a.status <> 'issued');
		-- the orders the alerts have open, by unit
		CREATE TEMP TABLE link_order ON COMMIT DROP AS
		SELECT o.unit, o.id, o.alert_id, false AS made FROM prevent.work_order o
		 WHERE o.alert_id = ANY (ids) AND prevent.order_is_open(o.status);
		INSERT INTO link_order
		SELECT t.unit, nextval('prevent.work_order_id_seq'::regclass), t.alert_id, true
		  FROM (SELECT h.id AS alert_id, u.unit, u.pos
				  FROM link_hit h
				 CROSS JOIN LATERAL unnest(ARRAY[h.unit] || coalesce(h.other_units, '{}')) WITH ORDINALITY u(unit, pos)
				 WHERE NOT EXISTS (SELECT 1 FROM link_order o WHERE o.alert_id = h.id AND o.unit = u.unit)
				 ORDER BY h.id, u.pos) t;
		INSERT INTO prevent.work_order (id, alert_id, unit, level, reason, issued_at, accept_due, due_at, close_due)
		SELECT o.id, o.alert_id, o.unit, h.level,
			   CASE WHEN o.unit = h.unit THEN 'repeat' ELSE 'cross_jurisdiction' END,
			   now(), now() + p.accept_within, now() + p.feedback_within, now() + p.close_within
		  FROM link_order o JOIN link_hit h ON h.id = o.alert_id JOIN link_policy p ON p.level = h.level
		 WHERE o.made;
		INSERT INTO prevent.event (id, work_order_id, alert_id, unit, action, from_status, to_status, at, actor, acting_role)
		SELECT nextval('prevent.event_id_seq'::regclass), o.id, o.alert_id, o.unit, 'issue', NULL, 'issued', now(),
			   SESSION_USER, CURRENT_USER
		  FROM link_order o
		 WHERE o.made;
		-- the repeat's escalations on each of its orders, the cross-jurisdiction one where it went to
		-- other units; each once
		CREATE TEMP TABLE link_escalation ON COMMIT DROP AS
		SELECT o.unit, o.id AS work_order_id, e.tier, e.reason
		  FROM link_order o JOIN link_hit h ON h.id = o.alert_id
		 CROSS JOIN LATERAL (SELECT repeat_tier AS tier, 'repeat' AS reason
							 UNION ALL
							 SELECT cross_tier, 'cross_jurisdiction' WHERE h.other_units <> '{}') e;
		ids := ARRAY(SELECT DISTINCT x.work_order_id FROM link_escalation x);
		CREATE TEMP TABLE link_escalated ON COMMIT DROP AS
		SELECT e.unit, e.work_order_id, e.tier, e.reason FROM prevent.escalation e WHERE e.work_order_id = ANY (ids);
		DELETE FROM link_escalation l
		 USING link_escalated e
		 WHERE e.unit = l.unit AND e.work_order_id = l.work_order_id AND e.tier = l.tier AND e.reason = l.reason;
		INSERT INTO prevent.escalation (id, work_order_id, unit, tier, reason, created_at)
		SELECT nextval('prevent.escalation_id_seq'::regclass), l.work_order_id, l.unit, l.tier, l.reason, now()
		  FROM link_escalation l;
	END IF;
	INSERT INTO prevent.alert_link (unit, alert_id) SELECT x.unit, x.id FROM link_new x;
	RETURN n;
END
$$;
COMMENT ON FUNCTION prevent.link_alerts() IS
'On a Citus cluster: flag repeats over every unit and issue their orders and escalations to other units (run by pg_cron on the coordinator)';
REVOKE ALL ON FUNCTION prevent.link_alerts() FROM PUBLIC;

/*
 * prevent.escalate_overdue() on a Citus cluster (it calls this first; NULL
 * when prevent.work_order is not distributed, and it goes on as on a single
 * node).  The same rule, without row locks (Citus takes none over every
 * shard): one run at a time (a second one returns 0 at once), the due
 * orders, their escalations and the new ones worked out on the coordinator,
 * then written by unit.  A transition committed while it runs may see its
 * order escalated for a deadline it just met, as a run just before it would.
 */
CREATE FUNCTION prevent._escalate_overdue_cluster(at timestamptz) RETURNS int
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	distributed boolean;
	ids bigint[];
	n int;
	r record;
BEGIN
	IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
		RETURN NULL;
	END IF;
	EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition p '
			'WHERE p.logicalrelid OPERATOR(pg_catalog.=) ''prevent.work_order''::pg_catalog.regclass)' INTO distributed;
	IF NOT distributed THEN
		RETURN NULL;
	END IF;
	IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('prevent.escalate_overdue')) THEN
		RETURN 0;
	END IF;
	CREATE TEMP TABLE overdue_order ON COMMIT DROP AS
	SELECT w.* FROM prevent.work_order w WHERE w.next_escalation_due < _escalate_overdue_cluster.at;
	ids := ARRAY(SELECT o.id FROM overdue_order o);
	IF ids = '{}' THEN
		RETURN 0;
	END IF;
	CREATE TEMP TABLE overdue_escalation ON COMMIT DROP AS
	SELECT e.work_order_id, e.tier, e.reason, e.breach FROM prevent.escalation e WHERE e.work_order_id = ANY (ids);
	-- as escalate_overdue(): each missed deadline not escalated yet, one tier up from the
	-- order's highest tier so far (tier 1 is the top), one more for each further deadline
	CREATE TEMP TABLE overdue_new ON COMMIT DROP AS
	SELECT b.id, b.unit, b.breach,
		   greatest(1, coalesce((SELECT min(e.tier) FROM overdue_escalation e WHERE e.work_order_id = b.id), 4) - 1
					   - (row_number() OVER (PARTITION BY b.id ORDER BY b.n) - 1)::int) AS tier
	  FROM (SELECT o.id, o.unit, x.breach, x.n
			  FROM overdue_order o
			 CROSS JOIN LATERAL prevent.order_breaches(ROW(o.*)::prevent.work_order, _escalate_overdue_cluster.at) x
			 WHERE NOT EXISTS (SELECT 1 FROM overdue_escalation e
								WHERE e.work_order_id = o.id AND e.reason = 'overdue' AND e.breach = x.breach)) b;
	INSERT INTO prevent.escalation (id, work_order_id, unit, tier, reason, breach, created_at)
	SELECT nextval('prevent.escalation_id_seq'::regclass), x.id, x.unit, x.tier, 'overdue', x.breach,
		   _escalate_overdue_cluster.at
	  FROM overdue_new x;
	GET DIAGNOSTICS n = ROW_COUNT;
	-- the next deadline not escalated, after this time
	FOR r IN SELECT o.unit, o.id,
					(SELECT min(x.due) FROM prevent.order_breaches(ROW(o.*)::prevent.work_order, 'infinity') x
					  WHERE x.due >= _escalate_overdue_cluster.at
						AND NOT EXISTS (SELECT 1 FROM overdue_escalation e
										 WHERE e.work_order_id = o.id AND e.reason = 'overdue' AND e.breach = x.breach)) AS next_due
			   FROM overdue_order o LOOP
		UPDATE prevent.work_order w SET next_escalation_due = r.next_due WHERE w.unit = r.unit AND w.id = r.id;
	END LOOP;
	RETURN n;
END
$$;
REVOKE ALL ON FUNCTION prevent._escalate_overdue_cluster(timestamptz) FROM PUBLIC;
