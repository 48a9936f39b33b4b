-- Customer overlap between channels in [start, end]: for each ordered pair (a, b) the customers who
-- bought through both and their revenue through a and b (the diagonal: the channel's own customers).
-- Grain: one row per pair with ≥1 shared customer. Money in the dataset's currency.
WITH per_channel AS (
    SELECT customer_key, channel, sum(revenue - coalesce(refund, 0)) AS revenue
    FROM order_lines
    WHERE dataset = $dataset AND customer_key IS NOT NULL
      AND order_date BETWEEN $start AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
    GROUP BY ALL
)
SELECT a.channel AS channel_a, b.channel AS channel_b, count(*) AS customers,
       sum(CASE WHEN a.channel = b.channel THEN a.revenue ELSE a.revenue + b.revenue END) AS revenue
FROM per_channel a JOIN per_channel b USING (customer_key)
GROUP BY ALL
ORDER BY channel_a, channel_b
