-- Out-of-territory sales in [start, end]: lines of a channel that has an assignment in
-- channel_territories, sold in a region not assigned to it. Channels without any assignment are
-- not judged. Grain: one row per (channel, region). Money in the dataset's currency.
WITH assigned AS (
    SELECT DISTINCT channel, region FROM channel_territories WHERE dataset = $dataset
)
SELECT o.channel, o.region, sum(o.revenue - coalesce(o.refund, 0)) AS revenue, count(DISTINCT o.order_id) AS orders
FROM order_lines o
WHERE o.dataset = $dataset
  AND o.order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, o.channel))
  AND (len($regions) = 0 OR list_contains($regions, o.region))
  AND o.channel IN (SELECT channel FROM assigned)
  AND NOT EXISTS (SELECT 1 FROM assigned a WHERE a.channel = o.channel AND a.region = o.region)
GROUP BY ALL
ORDER BY revenue DESC
