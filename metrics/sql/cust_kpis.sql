-- Customer counts and identified-customer totals for the selected and the prior period.
-- Grain: one row per period ('current', 'prior'). Counts of customers and orders; money in yuan.
-- new = active in the period and first order ever (whole dataset, any channel) inside the period.
-- orders/revenue only over lines with a customer id (anonymous sales have no customer to divide by).
WITH firsts AS (
    SELECT customer_id, min(order_date) AS first_date
    FROM order_lines
    WHERE dataset = $dataset AND customer_id IS NOT NULL
    GROUP BY customer_id
),
lines AS (
    SELECT CASE WHEN order_date >= $start THEN 'current' ELSE 'prior' END AS period,
           customer_id, order_id, revenue - coalesce(refund, 0) AS net
    FROM order_lines
    WHERE dataset = $dataset
      AND customer_id IS NOT NULL
      AND order_date BETWEEN $prior_start AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
per_customer AS (
    SELECT period, customer_id, count(DISTINCT order_id) AS orders, sum(net) AS revenue
    FROM lines
    GROUP BY period, customer_id
),
totals AS (
    SELECT c.period,
           count(*) AS active_customers,
           count(*) FILTER (WHERE f.first_date >= CASE WHEN c.period = 'current' THEN $start ELSE $prior_start END)
               AS new_customers,
           sum(c.orders) AS customer_orders,
           sum(c.revenue) AS customer_revenue
    FROM per_customer c
    JOIN firsts f USING (customer_id)
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
