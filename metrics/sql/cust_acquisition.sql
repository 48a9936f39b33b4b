-- Acquisition per customer: first order date ever and the acquisition channel, which is
-- customers.acquisition_channel when the customers table has one, else the channel of the
-- customer's first order (ties on the first day: the alphabetically first channel).
-- How: both come from customer_firsts (migration 007: first_date, first_day_channel), one row per
-- customer rebuilt on every load, instead of a pass over every line.
-- Grain: one row per customer id of the dataset.
SELECT f.customer_id, f.first_date AS acquired_on,
       coalesce(c.acquisition_channel, f.first_day_channel) AS acquisition_channel
FROM customer_firsts f
LEFT JOIN (SELECT customer_id, min(acquisition_channel) AS acquisition_channel
           FROM customers WHERE dataset = $dataset GROUP BY customer_id) c USING (customer_id)
WHERE f.dataset = $dataset
ORDER BY f.customer_id
