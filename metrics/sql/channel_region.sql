-- Coverage matrix: revenue and customers per (channel, region) in [start, end].
-- Grain: one row per cell with sales. Money in the dataset's currency.
-- One pass per (cell, customer) then a count: cheaper than a sum beside a count(DISTINCT). The
-- anonymous group (customer_key NULL) adds its revenue and counts for no customer.
SELECT channel, region, sum(revenue) AS revenue, count(customer_key) AS customers
FROM (
    SELECT channel, region, customer_key, sum(revenue - coalesce(refund, 0)) AS revenue
    FROM order_lines
    WHERE dataset = $dataset
      AND order_date BETWEEN $start AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
    GROUP BY ALL
)
GROUP BY ALL
ORDER BY channel, region
