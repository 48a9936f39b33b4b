-- Monthly distinct customers per channel in [start, end] (non-null customer ids; anonymous sales
-- count for no customer). Grain: one row per (month, channel) with sales, as channel_monthly.sql.
-- Every line's order has its order-first line in the same month, channel and region, so counting
-- over order-first lines only gives the same customers from fewer rows.
SELECT date_trunc('month', order_date)::DATE AS month, channel, count(DISTINCT customer_key) AS customers
FROM selected_customer_days($dataset, $start, $end, $channels, $regions)
GROUP BY ALL
ORDER BY month, channel
