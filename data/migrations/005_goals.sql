-- 005: SMART goals a manager set, per dataset (the Goals page; progress on the overview).
-- metric = a key from METRICS.md: revenue, gross_profit, gross_margin, orders, active_customers,
-- aov, repeat_rate, churn_rate, hhi, or channel_share:<channel>. Values are monthly (see
-- metrics/goals.py): money in yuan, rates as fractions, HHI 0..10,000.
-- scope = JSON {"channels": [...], "regions": [...]} (empty lists = all), as in the sidebar.
CREATE SEQUENCE goals_id_seq START 1;
CREATE TABLE goals (
    id            BIGINT PRIMARY KEY DEFAULT nextval('goals_id_seq'),
    dataset       VARCHAR NOT NULL,
    metric        VARCHAR NOT NULL,
    target        DOUBLE NOT NULL,
    deadline      DATE NOT NULL,
    owner         VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL,
    baseline      DOUBLE,                    -- the metric's value in the baseline month (NULL: not measurable then)
    baseline_date DATE NOT NULL,             -- first day of the baseline month
    created_at    TIMESTAMP NOT NULL,
    notes         VARCHAR NOT NULL
);
