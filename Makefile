# prevent — PGXS build.
#
#   make && make install        build and install against the pg_config on PATH
#   make installcheck           pg_regress against a running server
#   make check-core             the pure C core's standalone tests (ASan + UBSan)
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

ICU_CFLAGS ?= $(shell pkg-config --cflags icu-uc icu-i18n)
ICU_LIBS ?= $(shell pkg-config --libs icu-uc icu-i18n)

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
EXTRA_CLEAN = src/core/normtable.h src/core/gen/normtable_gen $(DATA_built) test/core/core_test test/core/*.o

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# install script: the pieces under src/sql, in name order
$(DATA_built): $(sort $(wildcard src/sql/*.sql))
	cat $^ > $@

# normalization table, generated from ICU at build time
src/core/gen/normtable_gen: src/core/gen/normtable_gen.c src/core/normalize.h
	$(CC) -O2 -Wall -Wextra -o $@ $< $(ICU_CFLAGS) $(ICU_LIBS)

src/core/normtable.h: src/core/gen/normtable_gen
	src/core/gen/normtable_gen > $@.tmp && mv $@.tmp $@

src/core/normalize.o: src/core/normtable.h

# every object depends on the headers (PGXS tracks no dependencies by default)
$(OBJS): $(filter-out src/core/normtable.h,$(wildcard src/*.h src/core/*.h src/watch/*.h))

# the pure C core, standalone, under AddressSanitizer and UBSan
CORE_SRC = $(wildcard src/core/*.c)
CORE_H = $(wildcard src/core/*.h)
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

test/core/core_test: test/core/core_test.c $(CORE_SRC) $(CORE_H) src/core/normtable.h
	$(CC) $(SAN_FLAGS) -Wall -Wextra -Werror -Isrc/core -o $@ test/core/core_test.c $(CORE_SRC)

check-core: test/core/core_test
	test/core/core_test

.PHONY: check-core
