-- Monthly revenue, gross profit and orders per channel in [start, end] (customers, the costly distinct
-- count, are in channel_monthly_customers.sql, run only when that measure is shown).
-- Grain: one row per (month, channel); month = first day of the calendar month. Money in the dataset's currency.
SELECT date_trunc('month', order_date)::DATE AS month, channel,
       sum(net_revenue) AS revenue,
       sum(gross_profit) AS gross_profit,
       sum(orders) AS orders
FROM selected_days($dataset, $start, $end, $channels, $regions)
GROUP BY ALL
ORDER BY month, channel
