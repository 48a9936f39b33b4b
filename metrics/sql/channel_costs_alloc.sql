-- Channel cost allocated to [start, end]. Costs are monthly and national (no region): each month's
-- amount counts in proportion to the days of that month inside the period (overlap days ÷ days in
-- the month) and, under a region filter, by the selected regions' share of that channel's net
-- revenue in that month (clamped to 0..1; in the channel's whole history when that month has no
-- sales of it). A user limited to some regions reads costs already prorated the same way to their
-- regions (data/scoped.py), so their numbers equal a region filter's.
-- Grain: one row per (channel, cost_type). Money in the dataset's currency.
WITH months AS (
    SELECT channel, cost_type, amount, date_trunc('month', month)::DATE AS m
    FROM channel_costs
    WHERE dataset = $dataset
      AND is_selected($channels, channel)
),
by_month AS (
    SELECT channel, date_trunc('month', order_date)::DATE AS m,
           greatest(0, least(1, coalesce(sum(net_revenue) FILTER (WHERE is_selected($regions, region)), 0)
                                / nullif(sum(net_revenue), 0))) AS share
    FROM daily_sales
    WHERE dataset = $dataset
    GROUP BY ALL
),
overall AS (
    SELECT channel,
           greatest(0, least(1, coalesce(sum(net_revenue) FILTER (WHERE is_selected($regions, region)), 0)
                                / nullif(sum(net_revenue), 0))) AS share
    FROM daily_sales
    WHERE dataset = $dataset
    GROUP BY ALL
)
-- Without a region filter no share applies: that branch reads the costs alone, so every engine sums
-- the same rows in the same order (Spark and DuckDB then agree to the last digit, as the export test
-- checks); with one, the shares join in.
SELECT channel, coalesce(cost_type, 'other') AS cost_type,
       sum(amount * (datediff('day', greatest(m, $start), least(last_day(m), $end)) + 1) / day(last_day(m))) AS amount
FROM months
WHERE len($regions) = 0 AND m <= $end AND last_day(m) >= $start
GROUP BY ALL
UNION ALL
SELECT c.channel, coalesce(c.cost_type, 'other') AS cost_type,
       sum(c.amount * (datediff('day', greatest(c.m, $start), least(last_day(c.m), $end)) + 1) / day(last_day(c.m))
           * coalesce(s.share, o.share, 0)) AS amount
FROM months c
LEFT JOIN by_month s ON s.channel = c.channel AND s.m = c.m
LEFT JOIN overall o ON o.channel = c.channel
WHERE len($regions) > 0 AND c.m <= $end AND last_day(c.m) >= $start
GROUP BY ALL
ORDER BY channel, cost_type
