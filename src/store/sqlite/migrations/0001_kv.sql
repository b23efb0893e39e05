-- 0001: the one table every entity lives in; store/entities.h gives the keys their meaning.
-- Released migrations never change: a schema change is a new, higher-numbered file.
--
-- Keys are compared with the BINARY collation (memcmp), which is the byte order store.h promises
-- and the order std::string uses. WITHOUT ROWID clusters rows by key, so a prefix scan is one
-- range read of the primary-key b-tree.
CREATE TABLE kv (
  key   TEXT PRIMARY KEY NOT NULL,
  value BLOB NOT NULL
) WITHOUT ROWID;
