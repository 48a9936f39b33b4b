-- Channel P&L base: sales per channel in the selection, the prior period and the same period a year ago.
-- Grain: one row per channel with a line in any of the three ranges. Money in the dataset's currency.
-- revenue = Σ (revenue − refund); cogs, gross_profit and revenue_with_cost only over lines whose cost is known.
-- customers counts distinct non-null customer ids (anonymous sales count for no customer).
WITH lines AS (
    SELECT channel, order_date, order_first, customer_key, revenue - coalesce(refund, 0) AS net, cost,
           order_date BETWEEN $start AND $end AS cur
    FROM order_lines
    WHERE dataset = $dataset
      AND (order_date BETWEEN $prior_start AND $end OR order_date BETWEEN $ya_start AND $ya_end)
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
-- Distinct customers only over the selection's order-first lines (a third of the rows the sums read).
buyers AS (
    SELECT channel, count(DISTINCT customer_key) AS customers
    FROM lines
    WHERE cur AND order_first
    GROUP BY channel
),
sums AS (
    SELECT channel,
           coalesce(sum(net) FILTER (WHERE cur), 0) AS revenue,
           sum(net) FILTER (WHERE cur AND cost IS NOT NULL) AS revenue_with_cost,
           sum(cost) FILTER (WHERE cur) AS cogs,
           sum(net - cost) FILTER (WHERE cur) AS gross_profit,
           count(*) FILTER (WHERE cur AND order_first) AS orders,
           coalesce(sum(net) FILTER (WHERE order_date BETWEEN $prior_start AND $prior_end), 0) AS prior_revenue,
           coalesce(sum(net) FILTER (WHERE order_date BETWEEN $ya_start AND $ya_end), 0) AS year_ago_revenue
    FROM lines
    GROUP BY channel
)
SELECT channel, revenue, revenue_with_cost, cogs, gross_profit, orders, coalesce(customers, 0) AS customers,
       prior_revenue, year_ago_revenue
FROM sums LEFT JOIN buyers USING (channel)
ORDER BY revenue DESC, channel
