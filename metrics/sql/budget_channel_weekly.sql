-- Weekly history per channel for the response model: net revenue (after refunds) and marketing spend
-- (marketing_weekly), for the Monday-based weeks from $first to $last (the weeks whose seven days all
-- lie inside the data). has_spend: the week has a spend row (a recorded 0 is a dark week, not a gap).
-- Grain: one row per (week, channel) with sales or spend. week = Monday; money in yuan.
WITH sales AS (
    SELECT date_trunc('week', order_date)::DATE AS week,
           channel,
           sum(net_revenue) AS revenue
    FROM selected_lines($dataset, $first, $last + 6, [], [])
    GROUP BY ALL
),
spend AS (
    SELECT week, channel, sum(amount) AS spend
    FROM marketing_weekly
    WHERE dataset = $dataset AND week BETWEEN $first AND $last
    GROUP BY ALL
)
SELECT coalesce(s.week, m.week) AS week,
       coalesce(s.channel, m.channel) AS channel,
       coalesce(s.revenue, 0) AS revenue,
       coalesce(m.spend, 0) AS spend,
       m.spend IS NOT NULL AS has_spend
FROM sales s
FULL OUTER JOIN spend m ON s.week = m.week AND s.channel = m.channel
ORDER BY channel, week
