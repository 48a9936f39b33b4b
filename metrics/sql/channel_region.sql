-- Coverage matrix: revenue and customers per (channel, region) in [start, end].
-- Grain: one row per cell with sales. Money in the dataset's currency.
SELECT channel, region, sum(revenue - coalesce(refund, 0)) AS revenue, count(DISTINCT customer_key) FILTER (WHERE order_first) AS customers
FROM order_lines
WHERE dataset = $dataset
  AND order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY ALL
ORDER BY channel, region
