-- 012: the risk register's user state, per dataset (the Risks page; metrics/risks). A file
-- warehouse keeps the same tables in SQLite (data/state.py SCHEMA element 2); these serve
-- in-memory warehouses. Both are user tables (data/state.py USER_TABLES): never in a snapshot,
-- kept by a reload of the dataset, deleted with it.
-- risk_plans: one response plan per risk. risk = a detected risk's key ("declining:经销商",
-- "concentration") or "user:<id>" for a risk a user added; status = open | in_progress | done | accepted.
CREATE TABLE risk_plans (
    dataset     VARCHAR NOT NULL,
    risk        VARCHAR NOT NULL,
    owner       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    due         DATE,
    status      VARCHAR NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    saved_by    VARCHAR,            -- who saved it (data.access; NULL before sign-in existed)
    PRIMARY KEY (dataset, risk)
);
-- user_risks: risks users add by hand; likelihood and impact 1..5, category as the detected ones'.
CREATE SEQUENCE user_risks_id_seq START 1;
CREATE TABLE user_risks (
    id          BIGINT PRIMARY KEY DEFAULT nextval('user_risks_id_seq'),
    dataset     VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    category    VARCHAR NOT NULL,
    likelihood  INTEGER NOT NULL,
    impact      INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    saved_by    VARCHAR
);
