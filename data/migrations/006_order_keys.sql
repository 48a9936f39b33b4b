-- 006: derived keys that make per-order and per-customer counts cheap.
--   order_first:  TRUE on exactly one line of each (order_id, order_date, channel, region, customer_id)
--                 combination, so "distinct orders" is a filtered count(*) instead of a hash of
--                 every order id. An order whose lines disagree on date, channel, region or
--                 customer counts once per combination (datasets.split_orders says how many do).
--   customer_key: a dense integer per customer within a dataset (grouping by it beats a string).
-- data.registry.refresh() derives both for new rows; this backfills rows loaded before.
ALTER TABLE order_lines ADD COLUMN order_first BOOLEAN;
ALTER TABLE order_lines ADD COLUMN customer_key BIGINT;
ALTER TABLE datasets ADD COLUMN split_orders BIGINT DEFAULT 0;

CREATE TEMP TABLE keyed_lines AS
SELECT * REPLACE (
    row_number() OVER (PARTITION BY dataset, order_id, order_date, channel, region, customer_id ORDER BY line) = 1
        AS order_first,
    CASE WHEN customer_id IS NOT NULL THEN dense_rank() OVER (PARTITION BY dataset ORDER BY customer_id) END
        AS customer_key
)
FROM order_lines;
DELETE FROM order_lines;
INSERT INTO order_lines SELECT * FROM keyed_lines ORDER BY dataset, order_date, order_id, line;
DROP TABLE keyed_lines;

UPDATE datasets SET split_orders = coalesce((
    SELECT count(*) FROM (
        SELECT order_id FROM order_lines o
        WHERE o.dataset = datasets.name AND o.order_first
        GROUP BY order_id HAVING count(*) > 1
    )
), 0);
