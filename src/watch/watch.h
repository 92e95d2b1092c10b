/*
 * watch.h — the workflow glue: watching incident tables, writing alerts,
 * and running the lifecycle functions as the extension owner.
 *
 *   registry.c   what is watched: registrations cached per relation, and the
 *                extension's objects (owner, schema, types) they need
 *   trigger.c    the row trigger (scan a narrative, queue an alert) and the
 *                statement trigger (flush the queue)
 *   persons.c    the identifiers of prevent.person: which rows below the
 *                alert level may name a person of concern
 *   writer.c     the alert queue of the transaction and the batch writer:
 *                party locks, alert_batch.sql, prevent._issue()
 *   lifecycle.c  prevent.review/accept/feedback/close/evaluate: run
 *                prevent._<name>() as the owner with the caller as actor
 *
 * Everything these files keep across transactions is in one struct,
 * watch_state below: it is filled on first use and reset in one place,
 * watch_state_reset(), after prevent.watched or a watched table was
 * invalidated, which DROP EXTENSION and CREATE EXTENSION always do; the
 * persons' identifiers alone are also dropped when prevent.person is.
 */
#ifndef PREVENT_WATCH_H
#define PREVENT_WATCH_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/hsearch.h"
#include "utils/rel.h"

#define WATCH_MAX_PARTY_COLUMNS 32
#define WATCH_MAX_TEXT_COLUMNS 16
#define WATCH_MAX_ACT_PLANS 16

/* a registration of prevent.watched, as the trigger needs it */
typedef struct WatchInfo
{
	Oid			relid;			/* hash key: the relation the trigger fired on */
	bool		registered;
	Oid			source;			/* the registered table (an ancestor for partitions) */
	int			ntext;			/* narrative columns, assessed as one text */
	AttrNumber	text_att[WATCH_MAX_TEXT_COLUMNS];
	Oid			text_type[WATCH_MAX_TEXT_COLUMNS];	/* their types, checked at load (text, varchar, bpchar) */
	AttrNumber	key_att;
	AttrNumber	unit_att;		/* 0 if none */
	AttrNumber	occurred_att;	/* 0 if none */
	int			nparty;
	AttrNumber	party_att[WATCH_MAX_PARTY_COLUMNS];
	int			alert_level;
	Interval	repeat_window;
	int32		repeat_threshold;
	bool		citus_shard;	/* relid is a Citus shard of source (README, Distributed deployment) */
} WatchInfo;

/* a prepared call of prevent._<name>(), by the OID of the public function */
typedef struct ActPlan
{
	Oid			fn_oid;
	SPIPlanPtr	plan;
} ActPlan;

typedef struct WatchState
{
	bool		stale;			/* invalidated: reset at the next watch_owner() */

	/* the extension's objects (InvalidOid: not looked up yet) */
	Oid			owner;			/* who runs the internal functions */
	Oid			schema;
	Oid			watched_relid;	/* prevent.watched: its invalidation resets all */
	Oid			person_relid;	/* prevent.person: its invalidation drops persons */
	Oid			risk_level_type;
	Oid			alert_input_type;
	Oid			issue_request_type;

	/* registrations by relation OID, in mcxt (NULL: none loaded) */
	HTAB	   *registrations;
	MemoryContext mcxt;

	/* identifiers of prevent.person, in mcxt (persons.c) */
	HTAB	   *persons;		/* NULL: none, or not loaded */
	bool		persons_loaded;
	uint64		persons_generation; /* counts invalidations; kept across resets */

	/* plans kept across transactions (NULL: not prepared yet) */
	SPIPlanPtr	alert_plan_small;	/* alert_batch.sql, one generic plan */
	SPIPlanPtr	alert_plan_large;	/* alert_batch.sql, custom plans */
	SPIPlanPtr	issue_plan;		/* prevent._issue($1, $2, now()) */
	SPIPlanPtr	lock_plan;		/* the party-stripe rows */
	SPIPlanPtr	lock_registrations_plan;	/* prevent.watched FOR SHARE */
	SPIPlanPtr	find_alerts_plan;	/* alert_find.sql */
	SPIPlanPtr	lock_alerts_plan;	/* alert_lock.sql */
	SPIPlanPtr	retire_plan;	/* alert_retire.sql */
	SPIPlanPtr	shard_plan;		/* prevent._write_shard($1, $2), on a Citus worker */
	int32		party_stripes;	/* rows of prevent._party_lock */
	ActPlan		act_plans[WATCH_MAX_ACT_PLANS];
	int			n_act_plans;
} WatchState;

extern WatchState watch_state;

/* registry.c */
extern void watch_state_reset(void);
extern Oid	watch_owner(void);
extern Oid	watch_schema(void);
extern Oid	watch_type(Oid *cached, const char *name);
extern WatchInfo *watch_info_get(Relation rel);
extern void watch_check_text_type(Relation rel, AttrNumber att, Oid typid);

/* persons.c */
extern bool watch_persons_any(void);
extern bool watch_persons_named(ArrayType *parties);
extern void watch_persons_forget(void);

/* writer.c */
/* how a queued alert came (watch_queue_alert) */
#define WATCH_ITEM_REASSESS 0x01	/* re-assesses the row's alert, if it has one */
#define WATCH_ITEM_OPTIONAL 0x02	/* below the alert level: written only if the row has an alert */
#define WATCH_ITEM_SHARD 0x04		/* from a Citus shard: written by prevent._write_shard() */
extern MemoryContext watch_queue_context(void);
extern void watch_queue_alert(Datum item, uint8 flags);
extern int	watch_queue_length(void);
extern int64 watch_take_written(void);
extern void watch_flush_queue(void);
extern void watch_writer_init(void);

#endif							/* PREVENT_WATCH_H */
