-- The database's own ceiling for a booking's essential write: one insert under the same
-- exclusion constraint as `appointment` (m0002), each a new 15-minute slot of one of 20
-- coordinators, so none is refused.
CREATE EXTENSION IF NOT EXISTS btree_gist;
DROP TABLE IF EXISTS anchor_slot;
DROP TABLE IF EXISTS anchor_counter;
DROP SEQUENCE IF EXISTS anchor_next;
CREATE SEQUENCE anchor_next;
CREATE TABLE anchor_slot (
  id bigserial PRIMARY KEY,
  coordinator_id int NOT NULL,
  busy_start timestamptz NOT NULL,
  busy_end timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'planned',
  CONSTRAINT anchor_no_overlap EXCLUDE USING gist
    (coordinator_id WITH =, tstzrange(busy_start, busy_end) WITH &&)
    WHERE (status IN ('planned', 'seen', 'no_show'))
);
-- The shared change-counter row every Relais write bumped before issue 12 (still the
-- SQLite way): what it costs the database when 50 writers all take it.
CREATE TABLE anchor_counter (id int PRIMARY KEY, value bigint NOT NULL);
INSERT INTO anchor_counter VALUES (1, 0);
