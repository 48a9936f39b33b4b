-- Monthly revenue, gross profit and orders per channel in [start, end] (customers, the costly distinct
-- count, are in channel_monthly_customers.sql, run only when that measure is shown).
-- Grain: one row per (month, channel); month = first day of the calendar month. Money in the dataset's currency.
SELECT date_trunc('month', order_date)::DATE AS month, channel,
       sum(net_revenue) AS revenue,
       sum(net_revenue - cost) AS gross_profit,
       count(*) FILTER (WHERE order_first) AS orders
FROM selected_lines($dataset, $start, $end, $channels, $regions)
GROUP BY ALL
ORDER BY month, channel
