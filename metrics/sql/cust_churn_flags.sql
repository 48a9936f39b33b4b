-- Churn flags per customer for the period (METRICS.md, same windows as overview_kpis.sql): customers
-- active at $start (an order in the $window_days days before it), whether they churned (no order in
-- the $window_days days up to and including $end), and their churn reason when the customers table
-- has one. Grain: one row per customer active at the start, by customer_key (migration 006).
-- How: only order days matter, so only the order_first lines are read (migration 006: one per order
-- × date × channel × region × customer, so they carry every day a customer ordered in the selection),
-- grouped by the integer customer_key; ids (from customer_firsts) are only used to look up reasons.
WITH flags AS (
    -- the scan is [$start − W, $end], so "before $start" is the start window and "after $end − W" the end one
    SELECT customer_key,
           bool_or(order_date < $start) AS at_start,
           bool_or(order_date > $end - $window_days) AS at_end
    FROM selected_customer_days($dataset, $start - $window_days, $end, $channels, $regions)
    GROUP BY customer_key
),
reasons AS (
    -- min skips NULLs, so dropping them first gives the same reason over fewer rows
    SELECT customer_id, min(churn_reason) AS churn_reason
    FROM customers
    WHERE dataset = $dataset AND churn_reason IS NOT NULL
    GROUP BY customer_id
)
SELECT f.customer_key, NOT f.at_end AS churned, r.churn_reason
FROM flags f
LEFT JOIN (SELECT cf.customer_key, r.churn_reason
           FROM customer_firsts cf
           JOIN reasons r ON r.customer_id = cf.customer_id
           WHERE cf.dataset = $dataset) r USING (customer_key)
WHERE f.at_start
ORDER BY f.customer_key
