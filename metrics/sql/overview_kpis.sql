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
           sum(CASE WHEN order_date >= $start THEN orders ELSE 0 END) AS cur_orders,
           sum(CASE WHEN order_date BETWEEN $prior_start AND $prior_end THEN orders ELSE 0 END) AS pri_orders,
           -- the four activity flags in one aggregate (bit 1: active at the current period's start,
           -- 2: at its end, 4: at the prior period's start, 8: at its end): one bit_or instead of four
           -- bool_or and CASE sums instead of FILTER, 0.26 -> 0.22 s over 968k customers at 10M lines
           bit_or((CASE WHEN order_date >= $start - $window_days AND order_date < $start THEN 1 ELSE 0 END)
                | (CASE WHEN order_date > $end - $window_days THEN 2 ELSE 0 END)
                | (CASE WHEN order_date < $prior_start THEN 4 ELSE 0 END)
                | (CASE WHEN order_date > $prior_end - $window_days AND order_date <= $prior_end THEN 8 ELSE 0 END)) AS flags
    FROM selected_customer_days($dataset, $prior_start - $window_days, $end, $channels, $regions)
    GROUP BY customer_key
),
customers AS (
    SELECT 'current' AS period,
           count(*) FILTER (WHERE cur_orders >= 1) AS active_customers,
           count(*) FILTER (WHERE cur_orders >= 2) AS repeat_customers,
           count(*) FILTER (WHERE flags & 1 = 1) AS active_at_start,
           count(*) FILTER (WHERE flags & 3 = 1) AS churned
    FROM per_customer
    UNION ALL
    SELECT 'prior',
           count(*) FILTER (WHERE pri_orders >= 1),
           count(*) FILTER (WHERE pri_orders >= 2),
           count(*) FILTER (WHERE flags & 4 = 4),
           count(*) FILTER (WHERE flags & 12 = 4)
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
