-- New customers acquired per channel: customers whose first-ever order in the dataset falls in
-- [start, end] and went through that channel (ties on the first day broken by the smallest order id).
-- Grain: one row per channel. The channel and region filters apply to that first order.
-- Orders after $end cannot change a first order inside the period, so they are not read.
WITH firsts AS (
    SELECT customer_id,
           min(order_date) AS first_date,
           min_by(channel, (order_date, order_id)) AS channel,
           min_by(region, (order_date, order_id)) AS region
    FROM order_lines
    WHERE dataset = $dataset AND customer_id IS NOT NULL AND order_date <= $end
    GROUP BY customer_id
)
SELECT channel, count(*) AS new_customers
FROM firsts
WHERE first_date >= $start
  AND (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY channel
