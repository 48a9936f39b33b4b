-- Current value per customer (METRICS.md value tiers): the 12 months up to $as_of
-- (as_of − 364 .. as_of), gross profit over lines with a known cost when the dataset has cost,
-- else revenue (Σ revenue − refund). Yuan. Grain: one row per customer with an order in those months.
SELECT customer_id,
       sum(revenue - coalesce(refund, 0)) AS revenue_12m,
       sum(revenue - coalesce(refund, 0) - cost) AS gross_profit_12m
FROM order_lines
WHERE dataset = $dataset AND customer_id IS NOT NULL
  AND order_date BETWEEN $as_of - 364 AND $as_of
GROUP BY customer_id
ORDER BY customer_id
