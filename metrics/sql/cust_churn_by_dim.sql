-- Churn by channel and by region for the period (METRICS.md windows as overview_kpis.sql): a
-- customer counts in a channel (region) when active there at $start, and churned there when they
-- placed no order in that channel (region) in the $window_days days up to and including $end.
-- Grain: one row per (dim, value) with dim in ('channel', 'region'). Counts of customers.
WITH orders AS (
    SELECT DISTINCT customer_id, channel, region, order_date
    FROM order_lines
    WHERE dataset = $dataset
      AND customer_id IS NOT NULL
      AND order_date BETWEEN $start - $window_days AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
flags AS (
    SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'region' END AS dim,
           coalesce(channel, region) AS value,
           bool_or(order_date >= $start - $window_days AND order_date < $start) AS at_start,
           bool_or(order_date > $end - $window_days AND order_date <= $end) AS at_end
    FROM orders
    GROUP BY GROUPING SETS ((customer_id, channel), (customer_id, region))
)
SELECT dim, value,
       count(*) FILTER (WHERE at_start) AS active_at_start,
       count(*) FILTER (WHERE at_start AND NOT at_end) AS churned
FROM flags
GROUP BY dim, value
HAVING count(*) FILTER (WHERE at_start) > 0
ORDER BY dim, active_at_start DESC
