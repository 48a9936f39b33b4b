-- Referral (METRICS.md): the customers acquired in the period (first order ever dated $start..$end,
-- in the sidebar's channels and regions by that first order), whether the customers file names a
-- referrer for them (another customer id than their own), whether they ordered again within
-- $window days of their first order (NULL when that window ends after $end), and their revenue
-- (net of refunds) from their first order to $end.
-- Grain: one row per new customer.
WITH new AS (
    SELECT customer_id, first_date, first_channel, referred_by
    FROM customer_scope($dataset)
    WHERE first_date BETWEEN $start AND $end
      AND is_selected($channels, first_channel)
      AND is_selected($regions, first_region)
),
orders AS (
    SELECT l.customer_id, l.order_date, l.order_first, l.net_revenue
    FROM dataset_lines($dataset) l
    WHERE l.customer_id IN (SELECT customer_id FROM new) AND l.order_date <= $end
)
SELECT n.customer_id, n.first_date, n.first_channel,
       n.referred_by IS NOT NULL AND n.referred_by <> n.customer_id AS referred,
       CASE WHEN n.referred_by <> n.customer_id THEN n.referred_by END AS referred_by,
       CASE WHEN n.first_date + $window <= $end THEN
            EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = n.customer_id AND o.order_first
                    AND o.order_date > n.first_date AND o.order_date <= n.first_date + $window) END AS repeat_in_window,
       coalesce((SELECT sum(o.net_revenue) FROM orders o WHERE o.customer_id = n.customer_id), 0) AS revenue
FROM new n
ORDER BY n.first_date, n.customer_id
