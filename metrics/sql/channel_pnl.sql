-- Channel P&L base: sales per channel in the selection, the prior period and the same period a year ago.
-- Grain: one row per channel with a line in any of the three ranges. Money in the dataset's currency.
-- revenue = Σ (revenue − refund); cogs, gross_profit and revenue_with_cost only over lines whose cost is known.
-- customers counts distinct non-null customer ids (anonymous sales count for no customer), over the
-- selection's order-first lines only (every line's order has one in the same channel and range).
-- The selection and the earlier ranges are read by separate scans: the earlier ones need only
-- channel, date and revenue, and the distinct count only the selection's rows.
WITH buyers AS (
    SELECT channel, count(DISTINCT customer_key) AS customers
    FROM selected_customer_days($dataset, $start, $end, $channels, $regions)
    GROUP BY channel
),
sums AS (
    SELECT channel, sum(net_revenue) AS revenue, sum(revenue_with_cost) AS revenue_with_cost,
           sum(cost) AS cogs, sum(gross_profit) AS gross_profit, sum(orders) AS orders
    FROM selected_days($dataset, $start, $end, $channels, $regions)
    GROUP BY channel
),
earlier AS (
    SELECT channel,
           sum(net_revenue) FILTER (WHERE order_date BETWEEN $prior_start AND $prior_end) AS prior_revenue,
           sum(net_revenue) FILTER (WHERE order_date BETWEEN $ya_start AND $ya_end) AS year_ago_revenue
    FROM selected_days($dataset, least($prior_start, $ya_start), greatest($prior_end, $ya_end), $channels, $regions)
    WHERE order_date BETWEEN $prior_start AND $prior_end OR order_date BETWEEN $ya_start AND $ya_end
    GROUP BY channel
)
SELECT channel, coalesce(s.revenue, 0) AS revenue, s.revenue_with_cost, s.cogs, s.gross_profit,
       coalesce(s.orders, 0) AS orders, coalesce(b.customers, 0) AS customers,
       coalesce(e.prior_revenue, 0) AS prior_revenue, coalesce(e.year_ago_revenue, 0) AS year_ago_revenue
FROM sums s FULL JOIN earlier e USING (channel) LEFT JOIN buyers b USING (channel)
ORDER BY revenue DESC, channel
