-- The customer base the CRM levers act on, over the window [$start, $end] (the last 12 months):
-- customers active at the start (an order in the $window_days days before it) and how many of
-- them churned (no order in the $window_days days up to $end); customers active at $end (the base
-- for the plan year); customers with an order in the window with their revenue and gross profit.
-- Grain: one row. Counts of customers, money in yuan.
WITH orders AS (
    SELECT DISTINCT customer_id, order_date
    FROM selected_lines($dataset, $start - $window_days, $end, [], [])
    WHERE customer_id IS NOT NULL
),
flags AS (
    SELECT customer_id,
           bool_or(order_date < $start) AS at_start,
           bool_or(order_date > $end - $window_days) AS at_end
    FROM orders
    GROUP BY customer_id
),
value AS (
    SELECT count(DISTINCT customer_id) AS customers,
           sum(net_revenue) AS revenue,
           sum(net_revenue - cost) AS gross_profit,
           sum(net_revenue) FILTER (WHERE cost IS NOT NULL) AS revenue_with_cost
    FROM selected_lines($dataset, $start, $end, [], [])
    WHERE customer_id IS NOT NULL
)
SELECT (SELECT count(*) FILTER (WHERE at_start) FROM flags) AS active_at_start,
       (SELECT count(*) FILTER (WHERE at_start AND NOT at_end) FROM flags) AS churned,
       (SELECT count(*) FILTER (WHERE at_end) FROM flags) AS active_at_end,
       value.customers, value.revenue, value.gross_profit, value.revenue_with_cost
FROM value
