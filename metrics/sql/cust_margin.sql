-- Gross margin of the dataset up to $as_of over lines whose cost is known (for margin-adjusted CLV).
-- Grain: one row; margin NULL when no line has a cost or that revenue is 0.
SELECT sum(net_revenue - cost) / nullif(sum(net_revenue), 0) AS margin
FROM dataset_lines($dataset)
WHERE order_date <= $as_of AND cost IS NOT NULL
