-- Acquisition cost per channel for [$start, $end]: marketing channel costs of the months touching
-- the period, and new customers acquired through the channel in the period (first order ever in the
-- period; acquisition channel = customers.acquisition_channel, else the first order's channel,
-- ties on the first day to the alphabetically first).
-- Grain: one row per channel with marketing cost (yuan) or new customers.
WITH firsts AS (
    -- the first day's alphabetically first channel, derived once per load (migration 007)
    SELECT customer_id, first_date AS acquired_on, first_day_channel AS first_channel
    FROM customer_firsts
    WHERE dataset = $dataset
),
acquired AS (
    SELECT coalesce(c.acquisition_channel, f.first_channel) AS channel, count(*) AS new_customers
    FROM firsts f
    LEFT JOIN (SELECT customer_id, min(acquisition_channel) AS acquisition_channel
               FROM customers WHERE dataset = $dataset GROUP BY customer_id) c USING (customer_id)
    WHERE f.acquired_on BETWEEN $start AND $end
    GROUP BY ALL
),
marketing AS (
    SELECT channel, sum(amount) AS marketing_cost
    FROM channel_costs
    WHERE dataset = $dataset AND cost_type = 'marketing'
      AND month BETWEEN date_trunc('month', $start) AND $end
    GROUP BY channel
)
SELECT coalesce(a.channel, m.channel) AS channel,
       coalesce(a.new_customers, 0) AS new_customers,
       m.marketing_cost
FROM acquired a
FULL JOIN marketing m ON a.channel = m.channel
ORDER BY channel
