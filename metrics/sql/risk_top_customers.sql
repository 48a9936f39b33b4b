-- Key-customer dependence (metrics/risks): the ten identified customers with the most net revenue
-- in [$start, $end] with their last order date in it, and the period's total revenue and the share
-- of it from identified customers (repeated on every row; one row of totals with a NULL customer
-- when nobody is identified). Grain: one row per top customer. Money in the dataset's currency.
WITH lines AS (
    SELECT customer_id, order_date, net_revenue
    FROM selected_lines($dataset, $start, $end, $channels, $regions)
),
totals AS (
    SELECT sum(net_revenue) AS total_revenue,
           coalesce(sum(net_revenue) FILTER (WHERE customer_id IS NOT NULL), 0) AS identified_revenue
    FROM lines
),
top AS (
    SELECT customer_id, sum(net_revenue) AS revenue, max(order_date) AS last_order
    FROM lines
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id
    ORDER BY revenue DESC, customer_id
    LIMIT 10
)
SELECT top.customer_id, top.revenue, top.last_order, totals.total_revenue, totals.identified_revenue
FROM totals LEFT JOIN top ON TRUE
ORDER BY top.revenue DESC NULLS LAST, top.customer_id
