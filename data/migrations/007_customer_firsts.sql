-- 007: each customer's first order, derived from the lines (data.registry.derive_firsts rebuilds a
-- dataset's rows on every load). New customers per channel, cohorts and acquisition all start
-- from "the first order ever"; reading it here spares each of them a pass over every line.
--   first_date:     the customer's earliest order date in the dataset
--   first_order_id, first_channel, first_region: that day's first order, ties broken by the
--                   smallest order id (then channel, region), as channel_new_customers.sql did
--   first_day_channel: the alphabetically first channel among the first day's orders (the
--                   acquisition channel's fallback when customers.acquisition_channel is missing)
CREATE TABLE customer_firsts (
    dataset VARCHAR NOT NULL,
    customer_key BIGINT NOT NULL,
    customer_id VARCHAR NOT NULL,
    first_date DATE NOT NULL,
    first_order_id VARCHAR,
    first_channel VARCHAR,
    first_region VARCHAR,
    first_day_channel VARCHAR
);

-- the one definition: the backfill below and data.registry.derive_firsts (one dataset) read it
CREATE VIEW customer_firsts_derived AS
SELECT dataset, customer_key, any_value(customer_id) AS customer_id, min(order_date) AS first_date,
       arg_min(order_id, (order_date, order_id, channel, region)) AS first_order_id,
       arg_min(channel, (order_date, order_id, channel, region)) AS first_channel,
       arg_min(region, (order_date, order_id, channel, region)) AS first_region,
       arg_min(channel, (order_date, channel)) AS first_day_channel
FROM order_lines
WHERE order_first AND customer_key IS NOT NULL
GROUP BY dataset, customer_key;

INSERT INTO customer_firsts SELECT * FROM customer_firsts_derived;
