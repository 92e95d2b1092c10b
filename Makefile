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
#
EXTENSION = prevent
EXTVERSION = 0.1.0
MODULE_big = prevent
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c src/watch/*.c))

DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*--*.sql))

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=$(EXTENSION)

ICU_CFLAGS ?= $(shell pkg-config --cflags icu-uc icu-i18n)
ICU_LIBS ?= $(shell pkg-config --libs icu-uc icu-i18n)

PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
PG_CPPFLAGS = -I$(srcdir)/src
EXTRA_CLEAN = src/watch/alert_batch.h src/normtable.h src/gen/normtable_gen $(DATA_built) test/core/core_test test/core/*.o

# PG_CONFIG if given, else the pg_config on PATH, else PostgreSQL 15's (scripts/pg-config.sh)
PG_CONFIG ?= $(or $(shell command -v pg_config 2>/dev/null),/usr/lib/postgresql/15/bin/pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# install script: the pieces under src/sql, in name order
$(DATA_built): $(sort $(wildcard src/sql/*.sql))
	cat $^ > $@

# normalization table, generated from ICU at build time
src/gen/normtable_gen: src/gen/normtable_gen.c src/normalize.h
	$(CC) -O2 -Wall -Wextra -o $@ $< $(ICU_CFLAGS) $(ICU_LIBS)

src/normtable.h: src/gen/normtable_gen
	src/gen/normtable_gen > $@.tmp && mv $@.tmp $@

# (and its LLVM bitcode, built beside it when the server has JIT: make -j raced the header)
src/normalize.o src/normalize.bc: src/normtable.h

# the alert writer's statement, kept as SQL and embedded as a C string
src/watch/alert_batch.h: src/watch/alert_batch.sql
	{ echo '/* made from alert_batch.sql by the Makefile: do not edit */'; \
	  echo 'static const char alert_batch_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@.tmp && mv $@.tmp $@

src/watch/writer.o src/watch/writer.bc: src/watch/alert_batch.h

# every object depends on the headers (PGXS tracks no dependencies by default)
$(OBJS): $(filter-out src/normtable.h,$(wildcard src/*.h src/watch/*.h))

# the pure C core, standalone, under AddressSanitizer and UBSan
CORE_SRC = src/normalize.c src/matcher.c src/parties.c
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

test/core/core_test: test/core/core_test.c $(CORE_SRC) src/normtable.h src/normalize.h src/matcher.h src/parties.h
	$(CC) $(SAN_FLAGS) -Wall -Wextra -Werror -Isrc -o $@ test/core/core_test.c $(CORE_SRC)

check-core: test/core/core_test
	test/core/core_test

# pgTAP and shell TAP tests against the running server, like installcheck (PGHOST etc.);
# the tools of PG_CONFIG's installation, whatever PATH says
PGTAP_DB ?= prevent_test
PGTAP_TESTS = $(sort $(wildcard test/*.sql))
TAP_SCRIPTS = $(sort $(wildcard test/*.sh))

installcheck-pgtap:
	'$(bindir)/dropdb' --if-exists $(PGTAP_DB)
	'$(bindir)/createdb' $(PGTAP_DB)
	'$(bindir)/psql' -X -q -v ON_ERROR_STOP=1 -d $(PGTAP_DB) \
		-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION $(EXTENSION)'
	pg_prove --failures --psql-bin '$(bindir)/psql' -d $(PGTAP_DB) $(PGTAP_TESTS)

installcheck-tap-scripts:
	PATH='$(bindir)':"$$PATH" prove --failures --exec bash $(TAP_SCRIPTS)

installcheck-tap: installcheck-pgtap installcheck-tap-scripts

.PHONY: check-core installcheck-pgtap installcheck-tap-scripts installcheck-tap
