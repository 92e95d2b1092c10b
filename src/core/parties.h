/*
 * parties.h — who an incident is about (pure C, no PostgreSQL headers).
 *
 * Parties are the values of a watched table's party columns plus the
 * mainland mobile numbers and resident ID numbers written in the narrative,
 * in canonical form so the same person matches across incidents:
 *   - mobile numbers: 11 digits 1[3-9]xxxxxxxxx, a +86 / 0086 prefix and
 *     spaces, dashes and brackets (noise to the normalizer) dropped;
 *   - resident ID numbers: 18 characters (17 digits and a digit or X) with
 *     a valid GB 11643 checksum, X upper case;
 *   - other party-column values: normalized (normalize.h).
 */
#ifndef PREVENT_PARTIES_H
#define PREVENT_PARTIES_H

#include <stddef.h>

/* a list of NUL-terminated strings, sorted and without duplicates */
typedef struct pv_parties
{
	char	  **items;
	int			n;
	int			cap;
} pv_parties;

/* valid 18-character resident ID (checksum included)? */
int			pv_resident_id_valid(const char *s, size_t len);

/* add the phone and ID numbers found in a narrative; 0 or PV_ERR_NOMEM */
int			pv_parties_from_text(pv_parties *out, const char *text, size_t len);

/*
 * add one party-column value in canonical form (nothing if it normalizes to
 * ''); a value listing two or more phone or ID numbers ("13800001111/
 * 13900002222") gives each of them; 0 or PV_ERR_NOMEM
 */
int			pv_parties_add_value(pv_parties *out, const char *value, size_t len);

/*
 * A value as prevent stores and indexes it (party, unit, incident key):
 * itself when it has at most PV_KEY_MAX bytes, else its first bytes (cut at
 * a character boundary), "…#" and 16 hex digits of a 64-bit FNV-1a hash of
 * the whole value.  Short enough for any btree or GIN entry, one stored
 * value per distinct input (the full value stays in the incident's row).
 * out has room for PV_KEY_MAX + 1 bytes; returns the length written (no NUL
 * is added).
 */
#define PV_KEY_MAX 200
size_t		pv_key(const char *value, size_t len, char *out);

/* sort and remove duplicates */
void		pv_parties_finish(pv_parties *out);

void		pv_parties_free(pv_parties *out);

#endif							/* PREVENT_PARTIES_H */
