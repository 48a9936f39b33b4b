-- Province drill-down of one region: revenue per (channel, province) in [start, end].
-- Grain: one row per cell with sales; a missing province shows as NULL. Money in the dataset's currency.
SELECT channel, province, sum(revenue - coalesce(refund, 0)) AS revenue
FROM order_lines
WHERE dataset = $dataset
  AND region = $region
  AND order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
GROUP BY ALL
ORDER BY channel, province
