-- 010: the evidence the budget model reads besides sales and monthly costs (METRICS.md "Budget
-- what-if"); each table is an extra-file kind of data/ingest (weekly_spend, crm_contacts,
-- experiments) and a fact table a reload replaces.
--
-- Weekly marketing spend per channel (or medium): curves are fitted per week when a lever has at
-- least 52 weeks with spend. week = the Monday of the week; amount in yuan. A channel here that
-- no sales line carries is a medium acting on the sales no channel lever claims.
CREATE TABLE marketing_weekly (
    dataset VARCHAR NOT NULL,
    week    DATE NOT NULL,
    channel VARCHAR NOT NULL,
    amount  DOUBLE NOT NULL
);

-- CRM holdouts: who each campaign of a programme contacted and who it held back at random.
-- One row per (campaign, customer); is_control = the customer was in the control (holdout) group.
CREATE TABLE crm_contacts (
    dataset      VARCHAR NOT NULL,
    programme    VARCHAR NOT NULL,
    campaign     VARCHAR NOT NULL,
    customer_id  VARCHAR NOT NULL,
    contact_date DATE NOT NULL,
    is_control   BOOLEAN NOT NULL
);

-- Lift tests: in [start_date, end_date] a lever's spend was spend_change yuan above plan (negative:
-- below it), and that change caused `lift` yuan of revenue in the window (same sign), with a
-- standard error. lever = a channel (or medium) name.
CREATE TABLE experiments (
    dataset      VARCHAR NOT NULL,
    lever        VARCHAR NOT NULL,
    start_date   DATE NOT NULL,
    end_date     DATE NOT NULL,
    spend_change DOUBLE NOT NULL,
    lift         DOUBLE NOT NULL,
    std_error    DOUBLE NOT NULL
);
