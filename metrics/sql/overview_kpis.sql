-- Overview KPIs for the selected period and the prior period of equal length.
-- Grain: one row per period ('current', 'prior'). Money in the dataset's currency; counts.
-- revenue = Σ (revenue − refund); gross_profit and margin only over lines whose cost is known.
-- Money, orders and lines come from the daily rollup (migration 013); customers from the
-- customer days (migration 013). One pass over each customer's days (integer customer_key)
-- gives activity, repeat purchases and churn (METRICS.md: of
-- customers active at a period's start — an order in the $window_days days before it — the share
-- with no order in the $window_days days up to and including its end).
WITH totals AS (
    SELECT CASE WHEN order_date >= $start THEN 'current' ELSE 'prior' END AS period,
           sum(net_revenue) AS revenue,
           sum(revenue_with_cost) AS revenue_with_cost,
           sum(gross_profit) AS gross_profit,
           sum(orders) AS orders,
           sum(lines) AS lines
    FROM selected_days($dataset, $prior_start, $end, $channels, $regions)
    GROUP BY period
),
per_customer AS (
    SELECT customer_key,
           coalesce(sum(orders) FILTER (WHERE order_date >= $start), 0) AS cur_orders,
           coalesce(sum(orders) FILTER (WHERE order_date BETWEEN $prior_start AND $prior_end), 0) AS pri_orders,
           bool_or(order_date >= $start - $window_days AND order_date < $start) AS cur_at_start,
           bool_or(order_date > $end - $window_days) AS cur_at_end,
           bool_or(order_date < $prior_start) AS pri_at_start,
           bool_or(order_date > $prior_end - $window_days AND order_date <= $prior_end) AS pri_at_end
    FROM selected_customer_days($dataset, $prior_start - $window_days, $end, $channels, $regions)
    GROUP BY customer_key
),
customers AS (
    SELECT 'current' AS period,
           count(*) FILTER (WHERE cur_orders >= 1) AS active_customers,
           count(*) FILTER (WHERE cur_orders >= 2) AS repeat_customers,
           count(*) FILTER (WHERE cur_at_start) AS active_at_start,
           count(*) FILTER (WHERE cur_at_start AND NOT cur_at_end) AS churned
    FROM per_customer
    UNION ALL
    SELECT 'prior',
           count(*) FILTER (WHERE pri_orders >= 1),
           count(*) FILTER (WHERE pri_orders >= 2),
           count(*) FILTER (WHERE pri_at_start),
           count(*) FILTER (WHERE pri_at_start AND NOT pri_at_end)
    FROM per_customer
)
SELECT p.period,
       coalesce(t.revenue, 0) AS revenue,
       t.revenue_with_cost,
       t.gross_profit,
       coalesce(t.orders, 0) AS orders,
       coalesce(t.lines, 0) AS lines,
       coalesce(c.active_customers, 0) AS active_customers,
       coalesce(c.repeat_customers, 0) AS repeat_customers,
       coalesce(c.active_at_start, 0) AS active_at_start,
       coalesce(c.churned, 0) AS churned
FROM (VALUES ('current'), ('prior')) AS p(period)
LEFT JOIN totals t USING (period)
LEFT JOIN customers c USING (period)
ORDER BY p.period
