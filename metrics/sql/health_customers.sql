-- CRM data health (metrics/health.py): every customer record of the customers file with its profile
-- fields as written, the region it is grouped under (its own, else its first order's) and the as-of day
-- (the dataset's last order date) against which dates are "in the future".
-- Grain: one row per customer record of the dataset's customers table.
SELECT c.customer_id, c.name, c.phone, c.email, c.gender, c.birth_date, c.age, c.invalid_fields,
       c.acquisition_channel, c.first_order_date,
       c.region, coalesce(c.region, f.first_region) AS group_region,
       (SELECT last_date FROM datasets WHERE name = $dataset) AS as_of
FROM customers c
LEFT JOIN customer_firsts f ON f.dataset = c.dataset AND f.customer_id = c.customer_id
WHERE c.dataset = $dataset
ORDER BY c.customer_id
