-- Customers per region from the customers table (the customer-share proxy for blind spots).
-- Grain: one row per region with ≥1 customer; empty when the dataset has no customer regions.
-- Every region: the counts depend on the dataset only, so the app computes them once per dataset
-- version rather than on every filter change (the distinct count over all customers is not cheap).
SELECT region, count(DISTINCT customer_id) AS customers
FROM customers
WHERE dataset = $dataset AND region IS NOT NULL
GROUP BY region
ORDER BY region
