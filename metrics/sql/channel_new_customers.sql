-- New customers acquired per channel: customers whose first-ever order in the dataset falls in
-- [start, end] and went through that channel (ties on the first day broken by the smallest order id,
-- then channel, region). Grain: one row per channel. The channel and region filters apply to that
-- first order. Reads customer_firsts (migration 007), rebuilt on every load, not the order lines.
SELECT first_channel AS channel, count(*) AS new_customers
FROM customer_firsts
WHERE dataset = $dataset
  AND first_date BETWEEN $start AND $end
  AND is_selected($channels, first_channel)
  AND is_selected($regions, first_region)
GROUP BY first_channel
ORDER BY channel
