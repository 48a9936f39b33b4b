-- Coverage matrix: revenue and customers per (channel, region) in [start, end].
-- Grain: one row per cell with sales. Money in the dataset's currency.
-- One pass per (cell, customer) then a count: cheaper than a sum beside a count(DISTINCT). The
-- anonymous group (customer_key NULL) adds its revenue and counts for no customer.
SELECT channel, region, sum(revenue) AS revenue, count(customer_key) AS customers
FROM (
    SELECT channel, region, customer_key, sum(net_revenue) AS revenue
    FROM selected_lines($dataset, $start, $end, $channels, $regions)
    GROUP BY ALL
)
GROUP BY ALL
ORDER BY channel, region
