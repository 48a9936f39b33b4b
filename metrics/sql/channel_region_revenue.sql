-- Coverage matrix without customers: revenue per (channel, region) in [start, end], for callers that
-- do not show customers (the distinct count is most of channel_region.sql's cost).
-- Grain: one row per cell with sales, the same cells as channel_region.sql. Money in the dataset's currency.
SELECT channel, region, sum(revenue - coalesce(refund, 0)) AS revenue
FROM order_lines
WHERE dataset = $dataset
  AND order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY ALL
ORDER BY channel, region
