/*
 * scan_bench.c — the pure C core alone: compile a lexicon from TSV files
 * and scan a file of narratives (one per line), printing the time per row
 * and a checksum of the scores (so two builds can be compared).
 *
 *   cc -O2 -Isrc/core -o scan_bench bench/core/scan_bench.c \
 *       src/core/normalize.c src/core/matcher.c src/core/parties.c
 *   scan_bench keywords.tsv negation.tsv proximity.tsv docs.txt [repeat]
 *
 * keywords.tsv: kind \t term \t category \t weight (kind match|exclude);
 * negation.tsv: cue \t window; proximity.tsv: a \t b \t within \t category \t weight.
 * bench/core/run.sh exports them from a database and builds this program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matcher.h"

static char *
slurp_line(FILE *f, size_t *len)
{
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		n = getline(&line, &cap, f);

	if (n < 0)
	{
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*len = (size_t) n;
	return line;
}

static int
category_code(char cats[][64], int *ncats, const char *name)
{
	for (int i = 0; i < *ncats; i++)
		if (strcmp(cats[i], name) == 0)
			return i;
	snprintf(cats[*ncats], 64, "%s", name);
	return (*ncats)++;
}

int
main(int argc, char **argv)
{
	static char cats[64][64];
	int			ncats = 0;
	pv_lexicon *lex = pv_lexicon_new();
	pv_result	res;
	FILE	   *f;
	char	   *line;
	size_t		len;
	char	  **docs = NULL;
	size_t	   *lens = NULL;
	size_t		ndocs = 0,
				cap = 0,
				bytes = 0;
	int			repeat = argc > 5 ? atoi(argv[5]) : 3;
	double		best = 1e30;
	long long	checksum = 0;
	long		hits = 0;

	if (argc < 5)
	{
		fprintf(stderr, "usage: %s keywords.tsv negation.tsv proximity.tsv docs.txt [repeat]\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "r");
	while (f && (line = slurp_line(f, &len)) != NULL)
	{
		char	   *kind = strtok(line, "\t"),
				   *term = strtok(NULL, "\t"),
				   *cat = strtok(NULL, "\t"),
				   *w = strtok(NULL, "\t");

		if (kind && term && strcmp(kind, "exclude") == 0)
			pv_lexicon_add_exclusion(lex, term, strlen(term));
		else if (kind && term && cat && w)
			pv_lexicon_add_keyword(lex, term, strlen(term), category_code(cats, &ncats, cat), atoi(w));
		free(line);
	}
	if (f)
		fclose(f);
	f = fopen(argv[2], "r");
	while (f && (line = slurp_line(f, &len)) != NULL)
	{
		char	   *cue = strtok(line, "\t"),
				   *w = strtok(NULL, "\t");

		if (cue && w)
			pv_lexicon_add_negation(lex, cue, strlen(cue), atoi(w));
		free(line);
	}
	if (f)
		fclose(f);
	f = fopen(argv[3], "r");
	while (f && (line = slurp_line(f, &len)) != NULL)
	{
		char	   *a = strtok(line, "\t"),
				   *b = strtok(NULL, "\t"),
				   *within = strtok(NULL, "\t"),
				   *cat = strtok(NULL, "\t"),
				   *w = strtok(NULL, "\t");

		if (a && b && within && cat && w)
			pv_lexicon_add_proximity(lex, a, strlen(a), b, strlen(b), atoi(within),
									 category_code(cats, &ncats, cat), atoi(w));
		free(line);
	}
	if (f)
		fclose(f);
	if (pv_lexicon_compile(lex) != PV_OK)
	{
		fprintf(stderr, "compile failed\n");
		return 1;
	}
	f = fopen(argv[4], "r");
	if (f == NULL)
	{
		perror(argv[4]);
		return 1;
	}
	while ((line = slurp_line(f, &len)) != NULL)
	{
		if (ndocs == cap)
		{
			cap = cap ? cap * 2 : 1024;
			docs = realloc(docs, cap * sizeof(char *));
			lens = realloc(lens, cap * sizeof(size_t));
		}
		docs[ndocs] = line;
		lens[ndocs++] = len;
		bytes += len;
	}
	fclose(f);

	pv_result_init(&res);
	for (int r = 0; r < repeat; r++)
	{
		struct timespec t0,
					t1;
		double		secs;

		checksum = 0;
		hits = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (size_t d = 0; d < ndocs; d++)
		{
			pv_scan_ex(lex, docs[d], lens[d], getenv("SCAN_VALID") != NULL, &res);
			checksum += res.score * (long long) (d % 7 + 1);
			hits += res.nhits;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (secs < best)
			best = secs;
	}
	printf("docs %zu, %.1f MB, states %d, lexicon %.1f MB\n", ndocs, bytes / 1e6,
		   pv_lexicon_state_count(lex), pv_lexicon_memory(lex) / 1e6);
	printf("best of %d: %.1f ms, %.0f ns/row, %.1f MB/s; hits %ld, checksum %lld\n",
		   repeat, best * 1e3, best * 1e9 / ndocs, bytes / best / 1e6, hits, checksum);
	pv_result_free(&res);
	pv_lexicon_free(lex);
	for (size_t d = 0; d < ndocs; d++)
		free(docs[d]);
	free(docs);
	free(lens);
	return 0;
}
