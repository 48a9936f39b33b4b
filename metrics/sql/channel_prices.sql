-- Average unit price per (product, channel) in [start, end] = Σ revenue ÷ Σ quantity over lines
-- with a product and a positive quantity. Revenue here is net of discounts and before refunds (a
-- refund is not a price). Grain: one row per (product, channel). Money per unit.
SELECT product, channel, sum(revenue) AS revenue, sum(quantity) AS quantity, sum(revenue) / sum(quantity) AS avg_price
FROM selected_lines($dataset, $start, $end, $channels, $regions)
WHERE product IS NOT NULL AND quantity > 0
GROUP BY ALL
ORDER BY product, channel
