-- Customer counts and identified-customer totals for the selected and the prior period.
-- Grain: one row per period ('current', 'prior'). Counts of customers and orders; money in yuan.
-- new = active in the period and first order ever (whole dataset, any channel) inside the period.
-- orders/revenue only over lines with a customer id (anonymous sales have no customer to divide by).
-- How: first orders come from customer_firsts (migration 007); lines are grouped by the integer
-- customer_key and a customer's orders are its order_first lines (one per order × date × channel ×
-- region × customer), which are its distinct orders unless the dataset has split orders
-- (datasets.split_orders, bound as $split_orders before planning): only then is
-- count(DISTINCT order_id) computed, and otherwise that scan is pruned.
WITH firsts AS (
    SELECT customer_key, first_date FROM customer_firsts WHERE dataset = $dataset
),
per_customer AS (
    SELECT CASE WHEN order_date >= $start THEN 'current' ELSE 'prior' END AS period,
           customer_key, sum(orders) AS orders, sum(net_revenue)::DOUBLE AS revenue
    FROM selected_customer_days($dataset, $prior_start, $end, $channels, $regions)
    GROUP BY period, customer_key
),
split_orders AS (
    -- an order split over channels or regions has an order_first line in each: count it once
    SELECT CASE WHEN order_date >= $start THEN 'current' ELSE 'prior' END AS period,
           customer_key, count(DISTINCT order_id) AS orders
    FROM selected_lines($dataset, $prior_start, $end, $channels, $regions)
    WHERE $split_orders > 0 AND order_first AND customer_key IS NOT NULL
    GROUP BY period, customer_key
),
totals AS (
    SELECT c.period,
           count(*) AS active_customers,
           count(*) FILTER (WHERE f.first_date >= CASE WHEN c.period = 'current' THEN $start ELSE $prior_start END)
               AS new_customers,
           sum(coalesce(s.orders, c.orders)) AS customer_orders,
           sum(c.revenue) AS customer_revenue
    FROM per_customer c
    JOIN firsts f USING (customer_key)
    LEFT JOIN split_orders s USING (period, customer_key)
    GROUP BY c.period
)
SELECT p.period,
       coalesce(t.active_customers, 0) AS active_customers,
       coalesce(t.new_customers, 0) AS new_customers,
       coalesce(t.customer_orders, 0) AS customer_orders,
       coalesce(t.customer_revenue, 0) AS customer_revenue
FROM (VALUES ('current'), ('prior')) AS p(period)
LEFT JOIN totals t USING (period)
ORDER BY p.period
