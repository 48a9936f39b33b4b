-- Customers per region from the customers table (the customer-share proxy for blind spots).
-- Grain: one row per region with ≥1 customer; empty when the dataset has no customer regions.
SELECT region, count(DISTINCT customer_id) AS customers
FROM customers
WHERE dataset = $dataset AND region IS NOT NULL
  AND (len($regions) = 0 OR list_contains($regions, region))
GROUP BY region
