-- Monthly revenue, gross profit and orders per channel in [start, end] (customers, the costly distinct
-- count, are in channel_monthly_customers.sql, run only when that measure is shown).
-- Grain: one row per (month, channel); month = first day of the calendar month. Money in the dataset's currency.
SELECT date_trunc('month', order_date)::DATE AS month, channel,
       sum(revenue - coalesce(refund, 0)) AS revenue,
       sum(revenue - coalesce(refund, 0) - cost) AS gross_profit,
       count(*) FILTER (WHERE order_first) AS orders
FROM order_lines
WHERE dataset = $dataset
  AND order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY ALL
ORDER BY month, channel
