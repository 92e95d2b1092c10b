/* ------------------------------------------------------------------------
 * Settings: one table of named values, each validated on write, each with
 * its default here.  The lexicon cache reads negation_scope, watch() reads
 * watch_mode, the issuing reads the tiers, the rate views report_time_zone.
 * ------------------------------------------------------------------------ */

CREATE TABLE prevent.setting (
	name text PRIMARY KEY,
	value text NOT NULL,
	description text,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE prevent.setting IS 'Engine settings (name, value); unknown names and invalid values are refused';

CREATE FUNCTION prevent.setting_before_write() RETURNS trigger
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
		WHEN 'dismiss_on_update' THEN
			IF NEW.value IS NULL OR NEW.value NOT IN ('on', 'off') THEN
				RAISE EXCEPTION 'invalid value "%" for setting "dismiss_on_update"', NEW.value
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Use ''on'' (a pending alert whose row an UPDATE takes below its table''s alert level is dismissed) or ''off'' (it stays pending).';
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

CREATE TRIGGER setting_before_write BEFORE INSERT OR UPDATE ON prevent.setting
	FOR EACH ROW EXECUTE FUNCTION prevent.setting_before_write();
CREATE TRIGGER setting_restore_builtin BEFORE INSERT ON prevent.setting
	FOR EACH ROW EXECUTE FUNCTION prevent._restore_builtin('name');

/*
 * Settings: every one with its default, here and nowhere else.
 *
 * Negation scope: 'category'.  Police narratives state the suspicion first
 * and rule it out later ("担心其有轻生念头 ... 未发现自杀倾向", "怀疑家长虐待孩子
 * ... 不存在虐待情况"); with 'occurrence' only the denied mention is
 * cancelled and the earlier one still raises an alert.  On the eval corpus
 * (bench/eval.sh) 'category' brings false alerts on ruled-out reports from
 * 18 of 22 down to 0 without losing a true alert: only the denied category
 * is dropped, the other categories of the text still count ("此次没有动手,
 * 但 ... 扬言离婚就不会放过你" keeps its threat).
 */
INSERT INTO prevent.setting (name, value, description, builtin) VALUES
	('negation_scope', 'category',
	 'occurrence: a negation cue cancels the match it precedes; category: it also cancels every match of that category in the text', true),
	('repeat_tier', '3', 'Tier that follows a repeat incident''s work orders (1 command center, 2 specialist unit, 3 base-control center)', true),
	('watch_mode', 'batch', 'batch: the alerts of one INSERT or COPY are written together at its end; row: each at once (for tables distributed by unit). Read by prevent.watch()', true),
	('cross_jurisdiction_tier', '1', 'Tier that follows work orders pushed to several units for one repeat incident', true),
	('managed_person_tier', '1', 'Tier that follows the work orders of an incident naming a person of concern (prevent.person): one under management is the command center''s to watch', true),
	('cross_jurisdiction_max_units', '5', 'Most other units a repeat incident''s orders are pushed to: those of the party''s latest incidents (a shared number that slipped past prevent.party_ignore cannot fan one alert out to every station)', true),
	('report_time_zone', 'Asia/Shanghai', 'Time zone in which the views cut months and days', true),
	('dismiss_on_update', 'off', 'on: a pending alert whose row an UPDATE takes below its table''s alert level is dismissed, the review note saying so; off: it stays pending for the second judgement. Issued orders are never touched', true),
	('backfill_orders_within', '7 days', 'Historic alerts (prevent.backfill, prevent.rescan) of incidents that occurred within this interval before now are issued or wait for review as new ones do; older ones are recorded only (status recorded)', true);

SELECT pg_catalog.pg_extension_config_dump('prevent.setting', '');
