-- Monthly history per channel for the budget levers (METRICS.md "Budget what-if"): marketing
-- spend (channel_costs with cost_type 'marketing'), commission + rebate (costs that move with
-- revenue), net revenue, gross profit over lines with cost, and new customers (customers whose
-- first order is in that month and channel; on a tie that day, the alphabetically first channel).
-- Grain: one row per (month, channel) with sales or channel costs. month = first day; money in yuan.
WITH sales AS (
    SELECT date_trunc('month', order_date)::DATE AS month,
           channel,
           sum(net_revenue) AS revenue,
           sum(net_revenue - cost) AS gross_profit,
           sum(net_revenue) FILTER (WHERE cost IS NOT NULL) AS revenue_with_cost
    FROM dataset_lines($dataset)
    GROUP BY ALL
),
firsts AS (
    SELECT date_trunc('month', min(order_date))::DATE AS month,
           arg_min(channel, (order_date, channel)) AS channel
    FROM dataset_lines($dataset)
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id
),
newcomers AS (
    SELECT month, channel, count(*) AS new_customers FROM firsts GROUP BY ALL
),
costs AS (
    SELECT month,
           channel,
           sum(amount) FILTER (WHERE cost_type = 'marketing') AS marketing,
           sum(amount) FILTER (WHERE cost_type IN ('commission', 'rebate')) AS variable_cost
    FROM channel_costs
    WHERE dataset = $dataset
    GROUP BY ALL
)
SELECT coalesce(s.month, c.month) AS month,
       coalesce(s.channel, c.channel) AS channel,
       coalesce(c.marketing, 0) AS marketing,
       c.marketing IS NOT NULL AS has_marketing,
       coalesce(c.variable_cost, 0) AS variable_cost,
       coalesce(s.revenue, 0) AS revenue,
       s.gross_profit,
       s.revenue_with_cost,
       coalesce(n.new_customers, 0) AS new_customers
FROM sales s
FULL OUTER JOIN costs c ON s.month = c.month AND s.channel = c.channel
LEFT JOIN newcomers n ON n.month = coalesce(s.month, c.month) AND n.channel = coalesce(s.channel, c.channel)
ORDER BY channel, month
