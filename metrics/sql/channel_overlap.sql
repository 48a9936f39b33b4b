-- Customer overlap between channels in [start, end], in one pass over the lines for both views:
--   part 'pair':     for each ordered pair (a, b) the customers who bought through both and their
--                    revenue through a and b (the diagonal: the channel's own customers); one row per
--                    pair with ≥1 shared customer
--   part 'channels': customers by how many channels they bought through (n_channels 1, 2, ...)
--                    with their revenue; one row per channel count
-- Identified customers only. Money in the dataset's currency. Only customers with ≥2 channels
-- can share a pair, so only they go through the self-join (most customers use one channel).
WITH per_channel AS MATERIALIZED (
    SELECT customer_key, channel, sum(net_revenue) AS revenue
    FROM selected_lines($dataset, $start, $end, $channels, $regions)
    WHERE customer_key IS NOT NULL
    GROUP BY ALL
),
per_customer AS MATERIALIZED (
    SELECT customer_key, count(*) AS n_channels, sum(revenue) AS revenue
    FROM per_channel
    GROUP BY customer_key
),
multi AS MATERIALIZED (
    SELECT customer_key, channel, revenue
    FROM per_channel SEMI JOIN (SELECT customer_key FROM per_customer WHERE n_channels >= 2) USING (customer_key)
)
SELECT 'pair' AS part, channel AS channel_a, channel AS channel_b, NULL::BIGINT AS n_channels, count(*) AS customers,
       sum(revenue) AS revenue
FROM per_channel
GROUP BY channel
UNION ALL
SELECT 'pair', a.channel, b.channel, NULL, count(*), sum(a.revenue + b.revenue)
FROM multi a JOIN multi b ON a.customer_key = b.customer_key AND a.channel <> b.channel
GROUP BY ALL
UNION ALL
SELECT 'channels', NULL, NULL, n_channels, count(*), sum(revenue)
FROM per_customer
GROUP BY n_channels
ORDER BY part, channel_a, channel_b, n_channels
