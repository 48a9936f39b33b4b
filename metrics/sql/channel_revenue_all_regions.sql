-- Revenue per channel in [start, end] over all regions: the denominator that prorates national
-- channel costs to a region filter. Grain: one row per channel. Money in the dataset's currency.
SELECT channel, sum(net_revenue) AS revenue
FROM selected_days($dataset, $start, $end, $channels, [])
GROUP BY channel
ORDER BY channel
