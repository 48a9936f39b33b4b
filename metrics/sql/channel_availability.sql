-- What the channel views can use for one dataset. Grain: one row of flags and the data's date range.
-- Each flag stops at the first matching row (LIMIT 1), so this stays fast on large datasets.
SELECT
    EXISTS (SELECT 1 FROM order_lines WHERE dataset = $dataset AND cost IS NOT NULL LIMIT 1) AS has_cost,
    EXISTS (SELECT 1 FROM order_lines WHERE dataset = $dataset AND customer_id IS NOT NULL LIMIT 1) AS has_customer,
    EXISTS (SELECT 1 FROM order_lines WHERE dataset = $dataset AND province IS NOT NULL LIMIT 1) AS has_province,
    EXISTS (SELECT 1 FROM order_lines WHERE dataset = $dataset AND product IS NOT NULL AND quantity > 0 LIMIT 1) AS has_price,
    EXISTS (SELECT 1 FROM channel_costs WHERE dataset = $dataset LIMIT 1) AS has_channel_costs,
    EXISTS (SELECT 1 FROM customers WHERE dataset = $dataset AND region IS NOT NULL LIMIT 1) AS has_customer_regions,
    EXISTS (SELECT 1 FROM channel_territories WHERE dataset = $dataset LIMIT 1) AS has_territories,
    span.first_date,
    span.last_date
-- One FROM for the date range rather than two more scalar subqueries: with nine of those the
-- planner alone took ~20 ms, more than every flag together.
FROM (SELECT min(first_date) AS first_date, max(last_date) AS last_date FROM datasets WHERE name = $dataset) AS span
