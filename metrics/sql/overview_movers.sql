-- Revenue and gross profit per channel and per region, this period and the prior one.
-- Grain: one row per (dim, value) with dim in ('channel', 'region'). Read from the daily rollup (migration 013).
SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'region' END AS dim,
       coalesce(channel, region) AS value,
       coalesce(sum(net_revenue) FILTER (WHERE order_date >= $start), 0) AS revenue,
       coalesce(sum(net_revenue) FILTER (WHERE order_date < $start), 0) AS prior_revenue,
       sum(gross_profit) FILTER (WHERE order_date >= $start) AS gross_profit,
       sum(revenue_with_cost) FILTER (WHERE order_date >= $start) AS revenue_with_cost
FROM selected_days($dataset, $prior_start, $end, $channels, $regions)
GROUP BY GROUPING SETS ((channel), (region))
ORDER BY dim, revenue DESC, value
