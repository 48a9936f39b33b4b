-- Out-of-territory sales in [start, end]: lines of a channel that has an assignment in
-- channel_territories, sold in a region not assigned to it. Channels without any assignment are
-- not judged. Grain: one row per (channel, region). Money in the dataset's currency.
WITH assigned AS (
    SELECT DISTINCT channel, region FROM channel_territories WHERE dataset = $dataset
)
SELECT o.channel, o.region, sum(o.net_revenue) AS revenue, count(DISTINCT o.order_id) AS orders
FROM selected_lines($dataset, $start, $end, $channels, $regions) o
WHERE o.channel IN (SELECT channel FROM assigned)
  AND NOT EXISTS (SELECT 1 FROM assigned a WHERE a.channel = o.channel AND a.region = o.region)
GROUP BY ALL
ORDER BY revenue DESC, o.channel, o.region
