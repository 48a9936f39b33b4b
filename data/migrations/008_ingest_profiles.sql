-- 008: source profiles (issue 10). Beside the mapping confirmed for a header set (migration 002),
-- what was decided about the file's system, so the next file with the same headers starts there:
--   profile:        the source profile the mapping was confirmed with (a layout id such as 'jd' or
--                   'salesforce.report', or 'none' for a plain table); NULL on rows remembered
--                   before profiles existed, which reads as 'none'
--   profile_chosen: TRUE when the analyst chose the profile (or none) rather than recognition; the
--                   choice then wins over recognition for this header set
--   channel:        the channel name the analyst gave the sales of a file without a channel column;
--                   NULL: the system's own name (天猫, 京东, …)
ALTER TABLE ingest_mappings ADD COLUMN profile VARCHAR;
ALTER TABLE ingest_mappings ADD COLUMN profile_chosen BOOLEAN DEFAULT false;
ALTER TABLE ingest_mappings ADD COLUMN channel VARCHAR;
