-- Distinct channels and regions of a dataset, for the sidebar filters.
-- Grain: one row per (dim, value), largest revenue first.
SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'region' END AS dim,
       coalesce(channel, region) AS value,
       sum(revenue) AS revenue
FROM dataset_lines($dataset)
GROUP BY GROUPING SETS ((channel), (region))
ORDER BY dim, revenue DESC, value
