-- Customers per acquisition channel of the dataset (the cohort slicer's choices), the channel being
-- customers.acquisition_channel when present, else the first day's channel (as cust_acquisition.sql).
-- How: counted in the warehouse from customer_firsts instead of fetching one row per customer;
-- first_id (the channel's smallest customer id) lets the caller break ties as value_counts over
-- cust_acquisition.sql's rows (ordered by customer id) would. Customers without a channel are left out.
-- Grain: one row per acquisition channel; customers is a count, ordered by first_id.
WITH acquired AS (
    -- min skips NULLs, so dropping them first gives the same channel over fewer rows
    SELECT customer_id, min(acquisition_channel) AS acquisition_channel
    FROM customers
    WHERE dataset = $dataset AND acquisition_channel IS NOT NULL
    GROUP BY customer_id
)
SELECT coalesce(a.acquisition_channel, f.first_day_channel) AS acquisition_channel,
       count(*) AS customers,
       min(f.customer_id) AS first_id
FROM customer_firsts f
LEFT JOIN acquired a USING (customer_id)
WHERE f.dataset = $dataset AND coalesce(a.acquisition_channel, f.first_day_channel) IS NOT NULL
GROUP BY 1
ORDER BY first_id
