# prevent — PGXS build.
#
#   make && make install        build and install (PG_CONFIG: see README, Installation)
#   make installcheck           against a running server: pg_regress (sql/, expected/) and
#                               the isolation specs (specs/*.spec)
#   make installcheck-pgtap     pg_prove over test/*.sql in database $(PGTAP_DB), made afresh
#                               with pgtap and prevent
#   make installcheck-tap-scripts  prove over test/*.sh (shell tests printing TAP)
#   make installcheck-tap       both of the above
#   make check-core             the pure C core's standalone tests (ASan + UBSan)
#   make dist                   prevent-<version>.zip for PGXN, from git HEAD
#   make update-normtable       regenerate src/core/normtable.h from this host's ICU
#
EXTENSION = prevent
EXTVERSION = 0.4.0
MODULE_big = prevent
# the PostgreSQL glue in src/, the pure C core in src/core/ (its host tools in
# src/core/gen/ are not part of the module), watching in src/watch/ when present
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c src/core/*.c src/watch/*.c))

# Versioned scripts, as pg_cron keeps them: the install script of this version is built from
# src/sql (below); beside it are installed, as committed files, the install scripts of
# released versions (prevent--0.1.0.sql: made once from that release's src/sql, never
# edited) and the update scripts between versions (prevent--0.1.0--0.2.0.sql, by hand),
# for ALTER EXTENSION prevent UPDATE (README, Operations: Upgrades; test/upgrade.sh)
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*.sql))

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=$(EXTENSION)

PG_CPPFLAGS = -I$(srcdir)/src -DPREVENT_VERSION='"$(EXTVERSION)"'
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
EXTRA_CLEAN = $(EXTENSION)-*.zip $(patsubst %.sql,%.h,$(wildcard src/watch/*.sql)) src/core/gen/normtable_gen $(DATA_built) test/core/core_test test/core/*.o

# PG_CONFIG if given, else the pg_config on PATH, else PostgreSQL 15's (scripts/pg-config.sh)
PG_CONFIG ?= $(or $(shell command -v pg_config 2>/dev/null),/usr/lib/postgresql/15/bin/pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# install script: the pieces under src/sql, in name order
$(DATA_built): $(sort $(wildcard src/sql/*.sql))
	cat $^ > $@

# The normalization table decides prevent.normalize() and the GIN keys, so
# it is committed source (src/core/normtable.h, naming the ICU and Unicode
# versions it came from) and a build never regenerates it.  Regenerate it on
# purpose, as PostgreSQL's `make update-unicode` does, from this host's ICU;
# review the diff, and say in the release notes that indexes on
# prevent.gin_ops or prevent.normalize() need a REINDEX.  Only this uses
# ICU, through PGXS's ICU_CFLAGS and ICU_LIBS (the server's ICU; set them on
# the command line for another, e.g. from pkg-config icu-uc icu-i18n).
src/core/gen/normtable_gen: src/core/gen/normtable_gen.c src/core/normalize.h
	$(CC) -O2 -Wall -Wextra -o $@ $< $(ICU_CFLAGS) $(ICU_LIBS)

update-normtable: src/core/gen/normtable_gen
	src/core/gen/normtable_gen > src/core/normtable.h.tmp
	mv src/core/normtable.h.tmp src/core/normtable.h

# the alert writer's statements, kept as SQL and each embedded as a C string <name>_sql
WATCH_SQL_H = $(patsubst %.sql,%.h,$(wildcard src/watch/*.sql))
src/watch/%.h: src/watch/%.sql
	{ echo '/* made from $(<F) by the Makefile: do not edit */'; \
	  echo 'static const char $(basename $(<F))_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@.tmp && mv $@.tmp $@

# (and its LLVM bitcode, built beside it when the server has JIT: make -j would race the header)
src/watch/writer.o src/watch/writer.bc: $(WATCH_SQL_H)

# every object depends on the headers (PGXS tracks no dependencies by default), the generated
# one named too: the wildcard misses it in a clean tree, and a later make (make install) would
# find it newer than the objects and compile everything again
$(OBJS): $(sort $(wildcard src/*.h src/core/*.h) $(filter-out $(WATCH_SQL_H),$(wildcard src/watch/*.h)) $(WATCH_SQL_H))

# the pure C core, standalone, under AddressSanitizer and UBSan
CORE_SRC = $(wildcard src/core/*.c)
CORE_H = $(wildcard src/core/*.h)
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

test/core/core_test: test/core/core_test.c $(CORE_SRC) $(CORE_H)
	$(CC) $(SAN_FLAGS) -Wall -Wextra -Werror -Isrc/core -o $@ test/core/core_test.c $(CORE_SRC)

check-core: test/core/core_test
	test/core/core_test

# the release archive for PGXN, from git (what is committed at HEAD), as pgvector makes it
DIST = $(EXTENSION)-$(EXTVERSION).zip
dist:
	git archive --format zip --prefix=$(EXTENSION)-$(EXTVERSION)/ --output $(DIST) HEAD

# pgTAP and shell TAP tests against the running server, like installcheck (PGHOST etc.);
# the tools of PG_CONFIG's installation, whatever PATH says
PGTAP_DB ?= prevent_test
PGTAP_TESTS = $(sort $(wildcard test/*.sql))
# (not test/debian_package.sh: it builds, installs and purges the system package, needs no
# running server, and scripts/test.sh runs it as a stage of its own, after the others)
TAP_SCRIPTS = $(filter-out test/debian_package.sh,$(sort $(wildcard test/*.sh)))

installcheck-pgtap:
	'$(bindir)/dropdb' --if-exists $(PGTAP_DB)
	'$(bindir)/createdb' $(PGTAP_DB)
	'$(bindir)/psql' -X -q -v ON_ERROR_STOP=1 -d $(PGTAP_DB) \
		-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION $(EXTENSION)'
	pg_prove --failures --psql-bin '$(bindir)/psql' -d $(PGTAP_DB) $(PGTAP_TESTS)

installcheck-tap-scripts:
	PATH='$(bindir)':"$$PATH" prove --failures --exec bash $(TAP_SCRIPTS)

installcheck-tap: installcheck-pgtap installcheck-tap-scripts

.PHONY: check-core dist update-normtable installcheck-pgtap installcheck-tap-scripts installcheck-tap
