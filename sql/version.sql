-- prevent.version(): the loaded module's version, and the Unicode and ICU
-- versions of its normalization table.  The table is committed source
-- (src/core/normtable.h), so these are facts of the source tree, not of the
-- build host: a `make update-normtable` that changes them must change this
-- file's expected output too, on purpose.
SELECT extension = (SELECT extversion FROM pg_extension WHERE extname = 'prevent')
         AS module_matches_installed,
       unicode, icu
  FROM prevent.version();
-- STABLE (a new module may answer differently), PARALLEL SAFE
SELECT provolatile, proparallel FROM pg_proc WHERE oid = 'prevent.version()'::regprocedure;
