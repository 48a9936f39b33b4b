-- Overview KPIs for the selected period and the prior period of equal length.
-- Grain: one row per period ('current', 'prior'). Money in the dataset's currency.
-- revenue = Σ (revenue − refund); gross_profit and margin only over lines whose cost is known.
WITH lines AS (
    SELECT CASE WHEN order_date >= $start THEN 'current' ELSE 'prior' END AS period,
           order_id, customer_id,
           revenue - coalesce(refund, 0) AS net,
           cost
    FROM order_lines
    WHERE dataset = $dataset
      AND order_date BETWEEN $prior_start AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
totals AS (
    SELECT period,
           sum(net) AS revenue,
           sum(net) FILTER (WHERE cost IS NOT NULL) AS revenue_with_cost,
           sum(net - cost) AS gross_profit,
           count(DISTINCT order_id) AS orders,
           count(*) AS lines
    FROM lines
    GROUP BY period
),
per_customer AS (
    SELECT period, customer_id, count(DISTINCT order_id) AS customer_orders
    FROM lines
    WHERE customer_id IS NOT NULL
    GROUP BY period, customer_id
),
customers AS (
    SELECT period,
           count(*) AS active_customers,
           count(*) FILTER (WHERE customer_orders >= 2) AS repeat_customers
    FROM per_customer
    GROUP BY period
)
SELECT p.period,
       coalesce(t.revenue, 0) AS revenue,
       t.revenue_with_cost,
       t.gross_profit,
       coalesce(t.orders, 0) AS orders,
       coalesce(t.lines, 0) AS lines,
       coalesce(c.active_customers, 0) AS active_customers,
       coalesce(c.repeat_customers, 0) AS repeat_customers
FROM (VALUES ('current'), ('prior')) AS p(period)
LEFT JOIN totals t USING (period)
LEFT JOIN customers c USING (period)
ORDER BY p.period
