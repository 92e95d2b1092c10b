# prevent — PGXS build.
#
#   make && make install        build and install against the pg_config on PATH
#   make installcheck           pg_regress against a running server
#   make check-core             the pure C core's standalone tests (ASan + UBSan)
#   make update-normtable       regenerate src/core/normtable.h from this host's ICU
#
EXTENSION = prevent
EXTVERSION = 0.1.0
MODULE_big = prevent
# the PostgreSQL glue in src/, the pure C core in src/core/ (its host tools in
# src/core/gen/ are not part of the module), watching in src/watch/ when present
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c src/core/*.c src/watch/*.c))

DATA_built = $(EXTENSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(wildcard $(EXTENSION)--*--*.sql))

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=$(EXTENSION)

PG_CPPFLAGS = -I$(srcdir)/src -DPREVENT_VERSION='"$(EXTVERSION)"'
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
EXTRA_CLEAN = src/core/gen/normtable_gen $(DATA_built) test/core/core_test test/core/*.o

PG_CONFIG ?= pg_config
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

# every object depends on the headers (PGXS tracks no dependencies by default)
$(OBJS): $(wildcard src/*.h src/core/*.h src/watch/*.h)

# the pure C core, standalone, under AddressSanitizer and UBSan
CORE_SRC = $(wildcard src/core/*.c)
CORE_H = $(wildcard src/core/*.h)
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

test/core/core_test: test/core/core_test.c $(CORE_SRC) $(CORE_H)
	$(CC) $(SAN_FLAGS) -Wall -Wextra -Werror -Isrc/core -o $@ test/core/core_test.c $(CORE_SRC)

check-core: test/core/core_test
	test/core/core_test

.PHONY: check-core update-normtable
