-- Net revenue per calendar month and channel of dataset $dataset, for orders up to $until (inclusive),
-- read from the daily_sales rollup (migration 013; the same sums as over dataset_lines).
-- The forecast (metrics/forecast.py) keeps the complete months and fills months without sales with 0.
-- Grain: one row per (month, channel); month = first day of the calendar month. Money in the dataset's currency.
SELECT date_trunc('month', order_date)::DATE AS month, channel, sum(net_revenue) AS revenue
FROM selected_days($dataset, DATE '1900-01-01', $until, [], [])
GROUP BY ALL
ORDER BY month, channel
