-- Revenue and gross profit per channel and per region, this period and the prior one.
-- Grain: one row per (dim, value) with dim in ('channel', 'region').
SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'region' END AS dim,
       coalesce(channel, region) AS value,
       coalesce(sum(net) FILTER (WHERE order_date >= $start), 0) AS revenue,
       coalesce(sum(net) FILTER (WHERE order_date < $start), 0) AS prior_revenue,
       sum(net - cost) FILTER (WHERE order_date >= $start) AS gross_profit,
       sum(net) FILTER (WHERE order_date >= $start AND cost IS NOT NULL) AS revenue_with_cost
FROM (
    SELECT order_date, channel, region, net_revenue AS net, cost
    FROM selected_lines($dataset, $prior_start, $end, $channels, $regions)
)
GROUP BY GROUPING SETS ((channel), (region))
ORDER BY dim, revenue DESC, value
