-- Customer ids of the dataset containing $needle (case-insensitive), for the 360° view's search box.
-- Grain: one row per customer id, at most $limit, largest revenue first.
SELECT customer_id, count(DISTINCT order_id) AS orders, sum(net_revenue) AS revenue
FROM dataset_lines($dataset)
WHERE customer_id IS NOT NULL AND contains(lower(customer_id), lower($needle))
GROUP BY customer_id
ORDER BY revenue DESC, customer_id
LIMIT $limit
