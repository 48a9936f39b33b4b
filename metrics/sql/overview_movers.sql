-- Revenue and gross profit per channel and per region, this period and the prior one.
-- Grain: one row per (dim, value) with dim in ('channel', 'region').
SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' ELSE 'region' END AS dim,
       coalesce(channel, region) AS value,
       coalesce(sum(net) FILTER (WHERE order_date >= $start), 0) AS revenue,
       coalesce(sum(net) FILTER (WHERE order_date < $start), 0) AS prior_revenue,
       sum(net - cost) FILTER (WHERE order_date >= $start) AS gross_profit,
       sum(net) FILTER (WHERE order_date >= $start AND cost IS NOT NULL) AS revenue_with_cost
FROM (
    SELECT order_date, channel, region, revenue - coalesce(refund, 0) AS net, cost
    FROM order_lines
    WHERE dataset = $dataset
      AND order_date BETWEEN $prior_start AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
)
GROUP BY GROUPING SETS ((channel), (region))
ORDER BY dim, revenue DESC
