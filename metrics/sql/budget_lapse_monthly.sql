-- Post-purchase lapse rate by month, the monthly churn signal the CRM response curves are fitted
-- to: of customers who bought in month m, the share whose last purchase that month is followed by
-- no purchase within $window_days days. Only months whose whole follow-up window lies inside the
-- data are returned (a later month would count not-yet-observed returns as lapses).
-- Grain: one row per calendar month (first day). Counts of customers.
WITH days AS (
    SELECT DISTINCT customer_id, order_date
    FROM dataset_lines($dataset)
    WHERE customer_id IS NOT NULL
),
steps AS (
    SELECT customer_id, order_date,
           lead(order_date) OVER (PARTITION BY customer_id ORDER BY order_date) AS next_date
    FROM days
),
bounds AS (
    SELECT max(order_date) AS last_date FROM days
)
SELECT date_trunc('month', order_date)::DATE AS month,
       count(*) AS buyers,
       count(*) FILTER (WHERE next_date IS NULL OR next_date > order_date + $window_days) AS lapsed
FROM steps, bounds
WHERE (next_date IS NULL OR date_trunc('month', next_date) > date_trunc('month', order_date))
  AND (date_trunc('month', order_date) + INTERVAL 1 MONTH)::DATE + $window_days <= last_date
GROUP BY ALL
ORDER BY month
