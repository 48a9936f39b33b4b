-- Revenue per channel in consecutive periods of $days days ending at $end: k = 0 is the selection,
-- k = 1 the prior period, up to k = $periods − 1. Grain: one row per (channel, k) with sales.
SELECT channel, datediff('day', order_date, $end) // $days AS k, sum(net_revenue) AS revenue
FROM selected_days($dataset, $end - CAST($days * $periods - 1 AS INTEGER), $end, $channels, $regions)
GROUP BY ALL
ORDER BY channel, k
