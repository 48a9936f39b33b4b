-- RFM per customer at the as-of date $end over the orders of the period [$start, $end] (METRICS.md).
-- Grain: one row per customer with ≥1 order in the period. recency_days = $end − last order date
-- (days); frequency = distinct orders; monetary = Σ (revenue − refund) in yuan, summed exactly as
-- DECIMAL(38, 6) (lines to the millionth of a yuan): a float sum depends on the order a parallel
-- aggregate adds in, so equal revenues could differ in the last bit and split across an M edge.
-- Scores 1..5 by quintile edges over the customers, R, F and M alike (METRICS.md): edges = the
-- 20/40/60/80th percentiles of the values (linear interpolation); a value scores by how many edges it
-- exceeds, so ties share a score (every customer with the same number of orders has the same F) and
-- a score can stay empty where edges coincide; as pandas.qcut(…, 5) when the edges are distinct.
--   R 5 = most recent (fewest days); F 5 and M 5 = highest.
--   When more than 20% of customers bought once, F1 is exactly the one-order customers (recent
--   first-time buyers score R5/R4 × F1: "New", "Promising") with no rule of its own: the 20th
--   percentile is then 1, or interpolated between 1 and the next frequency and so below it.
-- How: one pass over the period's selected lines grouped by the integer customer_key (migration 006).
--   frequency counts the order_first lines (one per order × date × channel × region × customer),
--   which is the number of distinct orders unless the dataset has orders split over several such
--   combinations (datasets.split_orders, bound as $split_orders before planning): only then is
--   count(DISTINCT order_id) computed, and otherwise that scan is pruned.
--   Everything is keyed by the integer customer_key; ids (customer_firsts) are joined to the scored
--   rows only, which come out by customer_key: the id order without sorting 1M+ strings (keys number
--   the ids in their sort order: dense_rank over customer_id in migration 006 and
--   data.registry.derive_keys; the demo writes both from one counter; tests/unit/test_customers_rfm.py
--   checks it).
-- acquisition_channel (only when $acquisition, bound before planning, so otherwise the customers
-- table is not read; else NULL): customers.acquisition_channel when present, else the first day's
-- channel from customer_firsts, as cust_acquisition.sql. customer_key is returned for callers that
-- join two RFM frames (an integer join instead of one on 1M+ id strings); customer_id is NULL unless
-- $ids (bound before planning): fetching 1M+ id strings costs more than the scoring at 10M lines.
WITH per_key AS (
    SELECT customer_key,
           ($end - max(order_date))::INTEGER AS recency_days,
           sum(orders) AS order_firsts,
           sum(net_revenue)::DOUBLE AS monetary  -- an exact DECIMAL sum, as over the lines
    FROM selected_customer_days($dataset, $start, $end, $channels, $regions)
    GROUP BY customer_key
),
split_frequency AS (
    SELECT customer_key, count(DISTINCT order_id) AS frequency
    FROM selected_lines($dataset, $start, $end, $channels, $regions)
    WHERE $split_orders > 0 AND order_first AND customer_key IS NOT NULL
    GROUP BY customer_key
),
acquired AS (
    -- min skips NULLs, so dropping them first gives the same channel over fewer rows
    SELECT customer_id, min(acquisition_channel) AS acquisition_channel
    FROM customers
    WHERE $acquisition AND dataset = $dataset AND acquisition_channel IS NOT NULL
    GROUP BY customer_id
),
per_customer AS (
    SELECT p.customer_key, p.recency_days, coalesce(s.frequency, p.order_firsts) AS frequency, p.monetary
    FROM per_key p
    LEFT JOIN split_frequency s USING (customer_key)
),
edges AS (
    SELECT quantile_cont(recency_days, [0.2, 0.4, 0.6, 0.8]) AS r_edges,
           quantile_cont(monetary, [0.2, 0.4, 0.6, 0.8]) AS m_edges,
           quantile_cont(frequency, [0.2, 0.4, 0.6, 0.8]) AS f_edges
    FROM per_customer
),
scored AS (
    SELECT p.customer_key, p.recency_days, p.frequency, p.monetary,
           (5 - (p.recency_days > e.r_edges[1])::INTEGER - (p.recency_days > e.r_edges[2])::INTEGER
              - (p.recency_days > e.r_edges[3])::INTEGER - (p.recency_days > e.r_edges[4])::INTEGER) AS r,
           (1 + (p.frequency > e.f_edges[1])::INTEGER + (p.frequency > e.f_edges[2])::INTEGER
              + (p.frequency > e.f_edges[3])::INTEGER + (p.frequency > e.f_edges[4])::INTEGER) AS f,
           (1 + (p.monetary > e.m_edges[1])::INTEGER + (p.monetary > e.m_edges[2])::INTEGER
              + (p.monetary > e.m_edges[3])::INTEGER + (p.monetary > e.m_edges[4])::INTEGER) AS m
    FROM per_customer p
    CROSS JOIN edges e
)
SELECT CASE WHEN $ids THEN cf.customer_id END AS customer_id, s.recency_days, s.frequency, s.monetary, s.r, s.f, s.m,
       CASE WHEN $acquisition THEN coalesce(a.acquisition_channel, cf.first_day_channel) END AS acquisition_channel,
       s.customer_key
FROM scored s
JOIN customer_firsts cf ON cf.dataset = $dataset AND cf.customer_key = s.customer_key
LEFT JOIN acquired a ON a.customer_id = cf.customer_id
ORDER BY s.customer_key
