-- 014 (issue 17): who saved each user object, and the audit log, for in-memory warehouses. A file
-- warehouse keeps the same columns and table in its SQLite store (data/state.py, SCHEMA element 2).
-- saved_by / created_by / updated_by hold the actor data.access records: an e-mail, "sub:<subject>",
-- "local" (sign-in off) or "operator:<user>" (the command line); NULL for rows saved before 014.
ALTER TABLE budget_scenarios ADD COLUMN saved_by VARCHAR;
ALTER TABLE goals ADD COLUMN created_by VARCHAR;
ALTER TABLE goals ADD COLUMN updated_by VARCHAR;
ALTER TABLE goals ADD COLUMN updated_at TIMESTAMP;
ALTER TABLE ingest_mappings ADD COLUMN updated_by VARCHAR;
-- One row per load, delete, role change or refused write: never per dataset (no "dataset" column),
-- so deleting a dataset keeps its history and snapshots never carry it.
--   action:  data.load | dataset.delete | scenario.delete | goal.delete | roles.edit | ... (data/access.py ACTIONS)
--   outcome: ok | denied
--   detail:  JSON (mode, kind, rows, file name, the role before and after, the reason of a refusal)
CREATE SEQUENCE audit_log_id_seq START 1;
CREATE TABLE audit_log (
    id      BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
    happened_at TIMESTAMP NOT NULL,
    actor   VARCHAR NOT NULL,
    role    VARCHAR,
    action  VARCHAR NOT NULL,
    target  VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    detail  VARCHAR NOT NULL
);
-- Each signed-in user's last view (the URL's filters and language), restored after signing in again:
-- the identity provider's redirect returns to the bare address.
CREATE TABLE user_views (
    actor   VARCHAR PRIMARY KEY,
    query   VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
