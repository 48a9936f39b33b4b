-- Gross margin of the dataset up to $as_of over lines whose cost is known (for margin-adjusted CLV).
-- Grain: one row; margin NULL when no line has a cost or that revenue is 0.
SELECT sum(revenue - coalesce(refund, 0) - cost) / nullif(sum(revenue - coalesce(refund, 0)) FILTER (WHERE cost IS NOT NULL), 0)
       AS margin
FROM order_lines
WHERE dataset = $dataset AND order_date <= $as_of AND cost IS NOT NULL
