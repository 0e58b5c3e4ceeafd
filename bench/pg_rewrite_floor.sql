-- The floor of a whole-population rewrite of health codes on PostgreSQL (issue 14): one UPDATE of 20 M rows of the
-- store's shape (person_id key, unique token, colour, JSON reasons, day, until, instant), at the fill of migration
-- 0012 (85) and of migration 0015 (45), and the same rows with a 4-byte key in place of their reasons. Run with
-- psql against a cluster of its own (server defaults); it builds and drops its tables:
--   psql -p PORT -h 127.0.0.1 -d postgres -f bench/pg_rewrite_floor.sql
-- Each step prints its time (\timing); the counts of heap-only updates say which rewrites stayed on their page.
\timing on
DROP TABLE IF EXISTS floor_codes;

-- 1. the store's rows at fillfactor 85
CREATE TABLE floor_codes (person_id bigint PRIMARY KEY, token varchar(43) UNIQUE, colour varchar(8), reasons json,
  "on" date, until date, computed_at timestamptz) WITH (fillfactor = 85);
INSERT INTO floor_codes SELECT g, md5(g::text) || substr(md5((g + 1)::text), 1, 11), 'green',
  '[{"clause": "m20.16", "text": "nothing applies: green (the common 2022 pattern (one secondary source; shared/policy/RULES.md, health-code colours))"}]'::json,
  '2022-11-16', NULL, now() FROM generate_series(1, 20000000) g;
CHECKPOINT;
SELECT pg_size_pretty(pg_table_size('floor_codes')) AS size_ff85;
UPDATE floor_codes SET computed_at = now();  -- one column
CHECKPOINT;
UPDATE floor_codes SET reasons = '[{"clause": "n10.3", "text": "nothing applies: green (the common 2022 pattern (one secondary source; shared/policy/RULES.md, health-code colours))"}]'::json,
  "on" = '2022-12-07', computed_at = now();  -- what a change of the rules writes
CHECKPOINT;
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'floor_codes';
DROP TABLE floor_codes;

-- 2. the same rows with a key to their reasons instead of the reasons
CREATE TABLE floor_codes (person_id bigint PRIMARY KEY, token varchar(43) UNIQUE, colour varchar(8), reasons_id int,
  "on" date, until date, computed_at timestamptz) WITH (fillfactor = 85);
INSERT INTO floor_codes SELECT g, md5(g::text) || substr(md5((g + 1)::text), 1, 11), 'green', 1, '2022-11-16', NULL,
  now() FROM generate_series(1, 20000000) g;
CHECKPOINT;
SELECT pg_size_pretty(pg_table_size('floor_codes')) AS size_keyed;
UPDATE floor_codes SET computed_at = now();
CHECKPOINT;
UPDATE floor_codes SET reasons_id = 2, "on" = '2022-12-07', computed_at = now();
CHECKPOINT;
DROP TABLE floor_codes;

-- 3. the store's rows at fillfactor 45 (migration 0015)
CREATE TABLE floor_codes (person_id bigint PRIMARY KEY, token varchar(43) UNIQUE, colour varchar(8), reasons json,
  "on" date, until date, computed_at timestamptz) WITH (fillfactor = 45);
INSERT INTO floor_codes SELECT g, md5(g::text) || substr(md5((g + 1)::text), 1, 11), 'green',
  '[{"clause": "m20.16", "text": "nothing applies: green (the common 2022 pattern (one secondary source; shared/policy/RULES.md, health-code colours))"}]'::json,
  '2022-11-16', NULL, now() FROM generate_series(1, 20000000) g;
CHECKPOINT;
SELECT pg_size_pretty(pg_table_size('floor_codes')) AS size_ff45;
UPDATE floor_codes SET reasons = '[{"clause": "n10.3", "text": "nothing applies: green (the common 2022 pattern (one secondary source; shared/policy/RULES.md, health-code colours))"}]'::json,
  "on" = '2022-12-07', computed_at = now();
CHECKPOINT;
SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'floor_codes';
UPDATE floor_codes SET "on" = '2023-01-08', computed_at = now();  -- the next change of the rules: room found again
CHECKPOINT;
SELECT n_tup_upd, n_tup_hot_upd, pg_size_pretty(pg_table_size('floor_codes')) AS size_after FROM pg_stat_user_tables
  WHERE relname = 'floor_codes';
DROP TABLE floor_codes;
