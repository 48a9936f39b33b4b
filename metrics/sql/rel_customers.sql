-- Relationship per customer as of $end: the selection's customers (acquisition channel and region,
-- customer_scope) with their last order and last contact up to $end, the contacts in the period, the
-- owner of the last contact, and whether they were active at $end (an order in the $window days up
-- to it). Customers with neither an order nor a contact up to $end are left out.
-- Grain: one row per customer.
WITH chosen AS (
    SELECT customer_id, acquisition_channel, region FROM customer_scope($dataset)
    WHERE is_selected($channels, acquisition_channel) AND is_selected($regions, region)
),
orders AS (
    -- last buying day from the customer-day rollup (migration 013; orders counts order_first lines),
    -- by integer key, not from every line's string id (at 10M lines 1.5 s -> ~0.5 s)
    SELECT k.customer_id, d.last_order
    FROM (
        SELECT customer_key, max(order_date) AS last_order
        FROM customer_days
        WHERE dataset = $dataset AND orders > 0 AND order_date <= $end
        GROUP BY customer_key
    ) d
    JOIN customer_firsts k ON k.dataset = $dataset AND k.customer_key = d.customer_key
    WHERE k.customer_id IN (SELECT customer_id FROM chosen)
),
touched AS (
    SELECT i.customer_id, max(i.contact_date) AS last_contact,
           count(*) FILTER (WHERE i.contact_date >= $start) AS contacts,
           arg_max(i.owner, (i.contact_date, i.owner)) AS owner
    FROM interactions i
    WHERE i.dataset = $dataset AND i.contact_date <= $end AND i.customer_id IN (SELECT customer_id FROM chosen)
    GROUP BY i.customer_id
)
SELECT c.customer_id, c.acquisition_channel, c.region, o.last_order, t.last_contact,
       coalesce(t.contacts, 0) AS contacts, t.owner,
       o.last_order > $end - $window AS active,
       $end - t.last_contact AS days_since_contact
FROM chosen c
LEFT JOIN orders o USING (customer_id)
LEFT JOIN touched t USING (customer_id)
WHERE o.last_order IS NOT NULL OR t.last_contact IS NOT NULL
ORDER BY c.customer_id
