-- Current value per customer (METRICS.md value tiers): the 12 months up to $as_of
-- (as_of − 364 .. as_of), gross profit over lines with a known cost when the dataset has cost,
-- else revenue (Σ revenue − refund). Yuan. Grain: one row per customer with an order in those months.
SELECT customer_id,
       sum(net_revenue) AS revenue_12m,
       sum(net_revenue - cost) AS gross_profit_12m
FROM selected_lines($dataset, $as_of - 364, $as_of, [], [])
WHERE customer_id IS NOT NULL
GROUP BY customer_id
ORDER BY customer_id
