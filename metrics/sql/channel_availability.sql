-- What the channel views can use for one dataset. Grain: one row of flags and counts.
SELECT
    (SELECT count(*) FROM order_lines WHERE dataset = $dataset AND cost IS NOT NULL) > 0 AS has_cost,
    (SELECT count(*) FROM order_lines WHERE dataset = $dataset AND customer_id IS NOT NULL) > 0 AS has_customer,
    (SELECT count(*) FROM order_lines WHERE dataset = $dataset AND province IS NOT NULL) > 0 AS has_province,
    (SELECT count(*) FROM order_lines WHERE dataset = $dataset AND product IS NOT NULL AND quantity > 0) > 0 AS has_price,
    (SELECT count(*) FROM channel_costs WHERE dataset = $dataset) > 0 AS has_channel_costs,
    (SELECT count(*) FROM customers WHERE dataset = $dataset AND region IS NOT NULL) > 0 AS has_customer_regions,
    (SELECT count(*) FROM channel_territories WHERE dataset = $dataset) > 0 AS has_territories,
    (SELECT min(order_date) FROM order_lines WHERE dataset = $dataset) AS first_date,
    (SELECT max(order_date) FROM order_lines WHERE dataset = $dataset) AS last_date
