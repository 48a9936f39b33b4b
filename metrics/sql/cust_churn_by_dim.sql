-- Churn by channel and by region for the period (METRICS.md windows as overview_kpis.sql): a
-- customer counts in a channel (region) when active there at $start, and churned there when they
-- placed no order in that channel (region) in the $window_days days up to and including $end.
-- How: only order days per channel and region matter, so only the order_first lines are read
-- (migration 006: one per order × date × channel × region × customer), grouped by the integer
-- customer_key; no customer id is needed for counts.
-- Grain: one row per (dim, value) with dim in ('channel', 'region'). Counts of customers; ordered by
-- dim, most active first, then value.
WITH flags AS (
    -- the scan is [$start − W, $end], so "before $start" is the start window and "after $end − W" the end one
    SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'region' END AS dim,
           coalesce(channel, region) AS value,
           bool_or(order_date < $start) AS at_start,
           bool_or(order_date > $end - $window_days) AS at_end
    FROM selected_customer_days($dataset, $start - $window_days, $end, $channels, $regions)
    GROUP BY GROUPING SETS ((customer_key, channel), (customer_key, region))
)
SELECT dim, value,
       count(*) FILTER (WHERE at_start) AS active_at_start,
       count(*) FILTER (WHERE at_start AND NOT at_end) AS churned
FROM flags
GROUP BY dim, value
HAVING count(*) FILTER (WHERE at_start) > 0
ORDER BY dim, active_at_start DESC, value
