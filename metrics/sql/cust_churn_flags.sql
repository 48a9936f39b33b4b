-- Churn flags per customer for the period (METRICS.md, same windows as overview_kpis.sql): customers
-- active at $start (an order in the $window_days days before it), whether they churned (no order in
-- the $window_days days up to and including $end), and their churn reason when the customers table
-- has one. Grain: one row per customer active at the start.
WITH orders AS (
    SELECT DISTINCT customer_id, order_date
    FROM order_lines
    WHERE dataset = $dataset
      AND customer_id IS NOT NULL
      AND order_date BETWEEN $start - $window_days AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
flags AS (
    SELECT customer_id,
           bool_or(order_date >= $start - $window_days AND order_date < $start) AS at_start,
           bool_or(order_date > $end - $window_days AND order_date <= $end) AS at_end
    FROM orders
    GROUP BY customer_id
)
SELECT f.customer_id, NOT f.at_end AS churned, c.churn_reason
FROM flags f
LEFT JOIN (SELECT customer_id, any_value(churn_reason) AS churn_reason
           FROM customers WHERE dataset = $dataset GROUP BY customer_id) c USING (customer_id)
WHERE f.at_start
ORDER BY f.customer_id
