-- Coverage matrix: revenue and customers per (channel, region) in [start, end].
-- Grain: one row per cell with sales. Money in the dataset's currency.
-- One pass per (cell, customer) then a count: cheaper than a sum beside a count(DISTINCT). The
-- anonymous group (customer_key NULL) adds its revenue and counts for no customer.
WITH money AS (
    SELECT channel, region, sum(net_revenue) AS revenue
    FROM selected_days($dataset, $start, $end, $channels, $regions)
    GROUP BY ALL
),
people AS (
    -- every order of a known customer has a head in its channel and region
    SELECT channel, region, count(DISTINCT customer_key) AS customers
    FROM selected_customer_days($dataset, $start, $end, $channels, $regions)
    GROUP BY ALL
)
SELECT channel, region, m.revenue, coalesce(p.customers, 0) AS customers
FROM money m
LEFT JOIN people p USING (channel, region)
ORDER BY channel, region
