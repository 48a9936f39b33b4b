-- 015: the same customer_firsts (migration 007's definition, unchanged in meaning) computed in two
-- steps: each customer's first day by integer key, then the tie-breaks over that day's orders only.
-- 007 sorted every order of every customer by a (date, order id, channel, region) struct inside
-- arg_min, the slowest step of a load: 10M demo lines 5.2-5.9 s -> 1.0 s, identical rows
-- (tests/unit/test_registry.py compares it with 007's form).
--   first_order_id, first_channel, first_region: that day's order with the smallest order id (then
--                   channel, region), as before, since every candidate has the same date
--   first_day_channel: the smallest channel of that day's orders (channel is NOT NULL)
CREATE OR REPLACE VIEW customer_firsts_derived AS
WITH firsts AS (
    SELECT dataset, customer_key, min(order_date) AS first_date
    FROM order_lines
    WHERE order_first AND customer_key IS NOT NULL
    GROUP BY dataset, customer_key
),
first_day AS (
    SELECT l.dataset, l.customer_key, l.customer_id, l.order_date, l.order_id, l.channel, l.region
    FROM order_lines l
    SEMI JOIN firsts f ON f.dataset = l.dataset AND f.customer_key = l.customer_key AND f.first_date = l.order_date
    WHERE l.order_first
)
SELECT dataset, customer_key, any_value(customer_id) AS customer_id, min(order_date) AS first_date,
       arg_min(order_id, (order_id, channel, region)) AS first_order_id,
       arg_min(channel, (order_id, channel, region)) AS first_channel,
       arg_min(region, (order_id, channel, region)) AS first_region,
       min(channel) AS first_day_channel
FROM first_day
GROUP BY dataset, customer_key;
