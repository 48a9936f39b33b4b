-- Average unit price per (product, channel) in [start, end] = Σ revenue ÷ Σ quantity over lines
-- with a product and a positive quantity. Revenue here is net of discounts and before refunds (a
-- refund is not a price). Grain: one row per (product, channel). Money per unit.
SELECT product, channel, sum(revenue) AS revenue, sum(quantity) AS quantity, sum(revenue) / sum(quantity) AS avg_price
FROM order_lines
WHERE dataset = $dataset AND product IS NOT NULL AND quantity > 0
  AND order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY ALL
