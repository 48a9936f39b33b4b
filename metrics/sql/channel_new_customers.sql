-- New customers acquired per channel: customers whose first-ever order in the dataset falls in
-- [start, end] and went through that channel (ties on the first day broken by the smallest order id).
-- Grain: one row per channel. The channel and region filters apply to that first order.
-- Only customers buying in the period can be new; any order before $start rules one out.
WITH in_period AS (
    SELECT customer_key,
           arg_min(channel, (order_date, order_id)) AS channel,
           arg_min(region, (order_date, order_id)) AS region
    FROM order_lines
    WHERE dataset = $dataset AND order_first AND customer_key IS NOT NULL AND order_date BETWEEN $start AND $end
    GROUP BY customer_key
),
earlier AS (
    SELECT DISTINCT customer_key
    FROM order_lines
    WHERE dataset = $dataset AND order_first AND customer_key IS NOT NULL AND order_date < $start
)
SELECT channel, count(*) AS new_customers
FROM in_period ANTI JOIN earlier USING (customer_key)
WHERE (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY channel
