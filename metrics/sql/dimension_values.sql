-- Distinct channels and regions of a dataset, for the sidebar filters.
-- Grain: one row per (dim, value), largest revenue first (METRICS.md revenue: net of refunds).
-- From the daily rollup (migration 013: every day × channel × region that has lines, ~50k rows at
-- 10M lines), not the lines: the same values, 40 ms -> ~1 ms at 10M lines.
SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'region' END AS dim,
       coalesce(channel, region) AS value,
       sum(net_revenue) AS revenue
FROM daily_sales
WHERE dataset = $dataset
GROUP BY GROUPING SETS ((channel), (region))
ORDER BY dim, revenue DESC, value
