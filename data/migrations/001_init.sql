-- 001: the warehouse. Every fact table carries `dataset`: several datasets coexist and the app
-- shows one at a time. Money is in yuan (or the file's currency), dates are calendar dates.
CREATE TABLE datasets (
    name          VARCHAR PRIMARY KEY,
    source        VARCHAR NOT NULL,          -- 'demo' or the uploaded file's name, shown as text only
    kind          VARCHAR NOT NULL,          -- 'demo' | 'upload'
    loaded_at     TIMESTAMP NOT NULL,
    order_lines   BIGINT NOT NULL,
    orders        BIGINT NOT NULL,
    customers     BIGINT NOT NULL,
    first_date    DATE,
    last_date     DATE,
    version       INTEGER NOT NULL,          -- bumped on every change; part of every cache key
    has_customer  BOOLEAN NOT NULL,
    has_cost      BOOLEAN NOT NULL,
    has_region    BOOLEAN NOT NULL,
    has_channel   BOOLEAN NOT NULL
);

CREATE TABLE order_lines (
    dataset     VARCHAR NOT NULL,
    order_id    VARCHAR NOT NULL,
    line        INTEGER NOT NULL,
    order_date  DATE NOT NULL,
    customer_id VARCHAR,                     -- NULL: anonymous sale (walk-in, no member card)
    channel     VARCHAR NOT NULL,
    region      VARCHAR NOT NULL,
    province    VARCHAR,
    product     VARCHAR,
    category    VARCHAR,
    quantity    DOUBLE,
    unit_price  DOUBLE,
    revenue     DOUBLE NOT NULL,             -- net of discounts, before refunds
    cost        DOUBLE,                      -- cost of goods; NULL when unknown
    discount    DOUBLE,
    refund      DOUBLE
);

CREATE TABLE channel_costs (
    dataset   VARCHAR NOT NULL,
    month     DATE NOT NULL,                 -- first day of the month
    channel   VARCHAR NOT NULL,
    cost_type VARCHAR NOT NULL,              -- marketing | commission | rebate | management
    amount    DOUBLE NOT NULL
);

CREATE TABLE crm_spend (
    dataset   VARCHAR NOT NULL,
    month     DATE NOT NULL,
    programme VARCHAR NOT NULL,
    amount    DOUBLE NOT NULL
);

CREATE TABLE customers (
    dataset             VARCHAR NOT NULL,
    customer_id         VARCHAR NOT NULL,
    acquisition_channel VARCHAR,
    region              VARCHAR,
    first_order_date    DATE,
    satisfaction        DOUBLE,              -- optional survey score 1..5
    churn_reason        VARCHAR              -- optional, for customers known to have left
);

-- What a generator planted (demo datasets) so tests can check the analytics recover it.
CREATE TABLE dataset_truths (
    dataset VARCHAR NOT NULL,
    key     VARCHAR NOT NULL,
    value   VARCHAR NOT NULL                 -- JSON
);
