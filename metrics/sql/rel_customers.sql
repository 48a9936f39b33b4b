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
    SELECT l.customer_id, max(l.order_date) AS last_order
    FROM dataset_lines($dataset) l
    WHERE l.order_first AND l.order_date <= $end AND l.customer_id IN (SELECT customer_id FROM chosen)
    GROUP BY l.customer_id
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
