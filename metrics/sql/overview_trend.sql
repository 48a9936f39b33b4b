-- Monthly revenue and gross profit by channel within the selected period.
-- Grain: one row per (month, channel). month = first day of the calendar month.
SELECT date_trunc('month', order_date)::DATE AS month,
       channel,
       sum(revenue - coalesce(refund, 0)) AS revenue,
       sum(revenue - coalesce(refund, 0) - cost) AS gross_profit,
       sum(revenue - coalesce(refund, 0)) FILTER (WHERE cost IS NOT NULL) AS revenue_with_cost
FROM order_lines
WHERE dataset = $dataset
  AND order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY ALL
ORDER BY month, channel
