-- Province drill-down of one region: revenue per (channel, province) in [start, end].
-- Grain: one row per cell with sales; a missing province shows as NULL. Money in the dataset's currency.
SELECT channel, province, sum(net_revenue) AS revenue
FROM selected_lines($dataset, $start, $end, $channels, [$region])
GROUP BY ALL
ORDER BY channel, province
