-- The 80th percentile of all inter-purchase gaps of the dataset, in days (METRICS.md "auto"
-- inactivity window). A gap = days between two consecutive distinct order dates of a customer.
-- Grain: one row; p80_gap_days is NULL when no customer bought on two different days.
WITH days AS (
    SELECT DISTINCT customer_id, order_date
    FROM order_lines
    WHERE dataset = $dataset AND customer_id IS NOT NULL
),
gaps AS (
    SELECT order_date - lag(order_date) OVER (PARTITION BY customer_id ORDER BY order_date) AS gap
    FROM days
)
SELECT quantile_cont(gap, 0.8) AS p80_gap_days, count(gap) AS gaps
FROM gaps
WHERE gap IS NOT NULL
