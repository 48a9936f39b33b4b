-- Coverage matrix without customers: revenue per (channel, region) in [start, end], for callers that
-- do not show customers (the distinct count is most of channel_region.sql's cost).
-- Grain: one row per cell with sales, the same cells as channel_region.sql. Money in the dataset's currency.
SELECT channel, region, sum(net_revenue) AS revenue
FROM selected_days($dataset, $start, $end, $channels, $regions)
GROUP BY ALL
ORDER BY channel, region
