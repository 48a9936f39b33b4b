-- Acquisition per customer: first order date ever and the acquisition channel, which is
-- customers.acquisition_channel when the customers table has one, else the channel of the
-- customer's first order (ties on the first day: the alphabetically first channel; a string min
-- of 'YYYYMMDD' || channel is several times cheaper than arg_min over a struct key).
-- Grain: one row per customer id of the dataset.
WITH firsts AS (
    SELECT customer_id,
           min(order_date) AS acquired_on,
           substr(min(strftime(order_date, '%Y%m%d') || channel), 9) AS first_channel
    FROM order_lines
    WHERE dataset = $dataset AND customer_id IS NOT NULL
    GROUP BY customer_id
)
SELECT f.customer_id, f.acquired_on,
       coalesce(c.acquisition_channel, f.first_channel) AS acquisition_channel
FROM firsts f
LEFT JOIN (SELECT customer_id, any_value(acquisition_channel) AS acquisition_channel
           FROM customers WHERE dataset = $dataset GROUP BY customer_id) c USING (customer_id)
ORDER BY f.customer_id
