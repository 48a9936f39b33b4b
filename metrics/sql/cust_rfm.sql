-- RFM per customer at the as-of date $end over the orders of the period [$start, $end] (METRICS.md).
-- Grain: one row per customer with ≥1 order in the period. recency_days = $end − last order date
-- (days); frequency = distinct orders; monetary = Σ (revenue − refund) in yuan.
-- Scores 1..5, as pandas.qcut(…, 5) would give when the quintile edges are distinct:
--   R, M: edges = 20/40/60/80th percentiles of the values (linear interpolation); ties share a score;
--         R 5 = most recent (fewest days), M 5 = highest.
--   F: quintiles of the rank with ties broken by order of appearance (first order date, then id),
--      i.e. rank "first"; rank k of n scores 1 + #{i in 1..4 : 5·(k − 1) > i·(n − 1)}.
WITH per_order AS (
    -- orders first, then customers: cheaper than count(DISTINCT order_id) per customer
    SELECT customer_id, order_id, max(order_date) AS last_day, min(order_date) AS first_day,
           sum(revenue - coalesce(refund, 0)) AS net
    FROM order_lines
    WHERE dataset = $dataset
      AND customer_id IS NOT NULL
      AND order_date BETWEEN $start AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
    GROUP BY customer_id, order_id
),
per_customer AS (
    SELECT customer_id,
           ($end - max(last_day))::INTEGER AS recency_days,
           count(*) AS frequency,
           sum(net) AS monetary,
           min(first_day) AS first_seen
    FROM per_order
    GROUP BY customer_id
),
edges AS (
    SELECT quantile_cont(recency_days, [0.2, 0.4, 0.6, 0.8]) AS r_edges,
           quantile_cont(monetary, [0.2, 0.4, 0.6, 0.8]) AS m_edges,
           count(*) AS n
    FROM per_customer
),
ranked AS (
    SELECT c.*, e.r_edges, e.m_edges, e.n,
           row_number() OVER (ORDER BY c.frequency, c.first_seen, c.customer_id) AS f_rank
    FROM per_customer c, edges e
),
scored AS (
    SELECT customer_id, recency_days, frequency, monetary,
           (5 - (recency_days > r_edges[1])::INTEGER - (recency_days > r_edges[2])::INTEGER
              - (recency_days > r_edges[3])::INTEGER - (recency_days > r_edges[4])::INTEGER) AS r,
           (1 + (5 * (f_rank - 1) > 1 * (n - 1))::INTEGER + (5 * (f_rank - 1) > 2 * (n - 1))::INTEGER
              + (5 * (f_rank - 1) > 3 * (n - 1))::INTEGER + (5 * (f_rank - 1) > 4 * (n - 1))::INTEGER) AS f,
           (1 + (monetary > m_edges[1])::INTEGER + (monetary > m_edges[2])::INTEGER
              + (monetary > m_edges[3])::INTEGER + (monetary > m_edges[4])::INTEGER) AS m
    FROM ranked
)
SELECT customer_id, recency_days, frequency, monetary, r, f, m
FROM scored
ORDER BY customer_id
