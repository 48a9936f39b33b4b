-- Revenue per channel in consecutive periods of $days days ending at $end: k = 0 is the selection,
-- k = 1 the prior period, up to k = $periods − 1. Grain: one row per (channel, k) with sales.
SELECT channel, datediff('day', order_date, $end) // $days AS k, sum(revenue - coalesce(refund, 0)) AS revenue
FROM order_lines
WHERE dataset = $dataset
  AND order_date BETWEEN $end - CAST($days * $periods - 1 AS INTEGER) AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY ALL
