-- Customers in [start, end] by how many channels they bought through, with their revenue.
-- Grain: one row per channel count (1, 2, ...). Money in the dataset's currency.
SELECT n_channels, count(*) AS customers, sum(revenue) AS revenue
FROM (
    SELECT customer_key, count(DISTINCT channel) AS n_channels, sum(revenue - coalesce(refund, 0)) AS revenue
    FROM order_lines
    WHERE dataset = $dataset AND customer_key IS NOT NULL
      AND order_date BETWEEN $start AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
    GROUP BY customer_key
)
GROUP BY n_channels
ORDER BY n_channels
