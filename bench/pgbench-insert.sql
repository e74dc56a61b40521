\set c random(1, 20)
INSERT INTO anchor_slot (coordinator_id, busy_start, busy_end)
  SELECT :c, t, t + interval '15 minutes'
  FROM (SELECT timestamptz '2030-01-01' + nextval('anchor_next') * interval '15 minutes' AS t) x;
