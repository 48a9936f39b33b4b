-- Churn for the selected and the prior period (METRICS.md): of customers active at the period's
-- start (an order in the $window_days days before it), the share with no order in the
-- $window_days days up to and including its end.
-- Grain: one row per period ('current', 'prior'). Counts of customers.
WITH orders AS (
    SELECT DISTINCT customer_id, order_date
    FROM order_lines
    WHERE dataset = $dataset
      AND customer_id IS NOT NULL
      AND order_date BETWEEN $prior_start - $window_days AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
flags AS (
    SELECT customer_id,
           bool_or(order_date >= $start - $window_days AND order_date < $start) AS cur_at_start,
           bool_or(order_date > $end - $window_days AND order_date <= $end) AS cur_at_end,
           bool_or(order_date >= $prior_start - $window_days AND order_date < $prior_start) AS pri_at_start,
           bool_or(order_date > $prior_end - $window_days AND order_date <= $prior_end) AS pri_at_end
    FROM orders
    GROUP BY customer_id
)
SELECT 'current' AS period,
       count(*) FILTER (WHERE cur_at_start) AS active_at_start,
       count(*) FILTER (WHERE cur_at_start AND NOT cur_at_end) AS churned
FROM flags
UNION ALL
SELECT 'prior',
       count(*) FILTER (WHERE pri_at_start),
       count(*) FILTER (WHERE pri_at_start AND NOT pri_at_end)
FROM flags
