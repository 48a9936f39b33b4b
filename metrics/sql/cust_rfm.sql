-- RFM per customer at the as-of date $end over the orders of the period [$start, $end] (METRICS.md).
-- Grain: one row per customer with ≥1 order in the period. recency_days = $end − last order date
-- (days); frequency = distinct orders; monetary = Σ (revenue − refund) in yuan, summed exactly as
-- DECIMAL(38, 6) (lines to the millionth of a yuan): a float sum depends on the order a parallel
-- aggregate adds in, so equal revenues could differ in the last bit and split across an M edge.
-- Scores 1..5, as pandas.qcut(…, 5) would give when the quintile edges are distinct:
--   R, M: edges = 20/40/60/80th percentiles of the values (linear interpolation); ties share a score;
--         R 5 = most recent (fewest days), M 5 = highest.
--   F: quintiles of the rank with ties broken by order of appearance (first order date, then id),
--      i.e. rank "first"; rank k of n scores 1 + #{i in 1..4 : k > e_i}, e_i = ⌊i·(n − 1) / 5⌋ + 1
--      (the same as 5·(k − 1) > i·(n − 1) for integers).
-- How: one pass over the period's selected lines grouped by the integer customer_key (migration 006).
--   frequency counts the order_first lines (one per order × date × channel × region × customer),
--   which is the number of distinct orders unless the dataset has orders split over several such
--   combinations (datasets.split_orders, bound as $split_orders before planning): only then is
--   count(DISTINCT order_id) computed, and otherwise that scan is pruned.
--   F without sorting every customer: customers sharing (frequency, first day) hold consecutive
--   ranks, so a cell's ranks follow from a running count over the cells (a few thousand); only the
--   cells that straddle an edge e_i rank their customers by id, i.e. by customer_key, which numbers
--   the ids in their sort order (dense_rank over customer_id in migration 006 and
--   data.registry.derive_keys; the demo writes both from one counter; tests/unit/test_customers_rfm.py
--   checks it). Everything is keyed by the integer customer_key; ids (customer_firsts) are joined to
--   the scored rows only, which come out by customer_key: the id order without sorting 1M+ strings.
-- acquisition_channel (only when $acquisition, bound before planning, so otherwise the customers
-- table is not read; else NULL): customers.acquisition_channel when present, else the first day's
-- channel from customer_firsts, as cust_acquisition.sql. customer_key is returned for callers that
-- join two RFM frames (an integer join instead of one on 1M+ id strings); customer_id is NULL unless
-- $ids (bound before planning): fetching 1M+ id strings costs more than the scoring at 10M lines.
WITH per_key AS (
    SELECT customer_key,
           ($end - max(order_date))::INTEGER AS recency_days,
           count(*) FILTER (WHERE order_first) AS order_firsts,
           sum(net_revenue::DECIMAL(38, 6))::DOUBLE AS monetary,
           min(order_date) AS first_seen
    FROM selected_lines($dataset, $start, $end, $channels, $regions)
    WHERE customer_key IS NOT NULL
    GROUP BY customer_key
),
split_frequency AS (
    SELECT customer_key, count(DISTINCT order_id) AS frequency
    FROM selected_lines($dataset, $start, $end, $channels, $regions)
    WHERE $split_orders > 0 AND order_first AND customer_key IS NOT NULL
    GROUP BY customer_key
),
acquired AS (
    -- any_value skips NULLs, so dropping them first gives the same channel over fewer rows
    SELECT customer_id, any_value(acquisition_channel) AS acquisition_channel
    FROM customers
    WHERE $acquisition AND dataset = $dataset AND acquisition_channel IS NOT NULL
    GROUP BY customer_id
),
per_customer AS (
    SELECT p.customer_key, p.recency_days, coalesce(s.frequency, p.order_firsts) AS frequency, p.monetary, p.first_seen
    FROM per_key p
    LEFT JOIN split_frequency s USING (customer_key)
),
edges AS (
    SELECT quantile_cont(recency_days, [0.2, 0.4, 0.6, 0.8]) AS r_edges,
           quantile_cont(monetary, [0.2, 0.4, 0.6, 0.8]) AS m_edges,
           [1 * (count(*) - 1) // 5 + 1, 2 * (count(*) - 1) // 5 + 1,
            3 * (count(*) - 1) // 5 + 1, 4 * (count(*) - 1) // 5 + 1] AS f_edges
    FROM per_customer
),
cells AS (
    -- ranks before + 1 .. before + size; f_low/f_high = the F scores of the first and last of them
    SELECT frequency, first_seen, before,
           1 + (before + 1 > f_edges[1])::INTEGER + (before + 1 > f_edges[2])::INTEGER
             + (before + 1 > f_edges[3])::INTEGER + (before + 1 > f_edges[4])::INTEGER AS f_low,
           1 + (before + size > f_edges[1])::INTEGER + (before + size > f_edges[2])::INTEGER
             + (before + size > f_edges[3])::INTEGER + (before + size > f_edges[4])::INTEGER AS f_high,
           f_edges
    FROM (
        SELECT frequency, first_seen, count(*) AS size,
               sum(count(*)) OVER (ORDER BY frequency, first_seen) - count(*) AS before
        FROM per_customer
        GROUP BY frequency, first_seen
    ), edges
),
straddling AS (
    SELECT c.customer_key,
           1 + (f_rank > f_edges[1])::INTEGER + (f_rank > f_edges[2])::INTEGER
             + (f_rank > f_edges[3])::INTEGER + (f_rank > f_edges[4])::INTEGER AS f
    FROM (
        SELECT p.customer_key, x.f_edges,
               x.before + row_number() OVER (PARTITION BY p.frequency, p.first_seen ORDER BY p.customer_key) AS f_rank
        FROM per_customer p
        JOIN cells x USING (frequency, first_seen)
        WHERE x.f_low <> x.f_high
    ) c
),
scored AS (
    SELECT p.customer_key, p.recency_days, p.frequency, p.monetary,
           (5 - (p.recency_days > e.r_edges[1])::INTEGER - (p.recency_days > e.r_edges[2])::INTEGER
              - (p.recency_days > e.r_edges[3])::INTEGER - (p.recency_days > e.r_edges[4])::INTEGER) AS r,
           coalesce(s.f, x.f_low) AS f,
           (1 + (p.monetary > e.m_edges[1])::INTEGER + (p.monetary > e.m_edges[2])::INTEGER
              + (p.monetary > e.m_edges[3])::INTEGER + (p.monetary > e.m_edges[4])::INTEGER) AS m
    FROM per_customer p
    CROSS JOIN edges e
    JOIN cells x USING (frequency, first_seen)
    LEFT JOIN straddling s USING (customer_key)
)
SELECT CASE WHEN $ids THEN cf.customer_id END AS customer_id, s.recency_days, s.frequency, s.monetary, s.r, s.f, s.m,
       CASE WHEN $acquisition THEN coalesce(a.acquisition_channel, cf.first_day_channel) END AS acquisition_channel,
       s.customer_key
FROM scored s
JOIN customer_firsts cf ON cf.dataset = $dataset AND cf.customer_key = s.customer_key
LEFT JOIN acquired a ON a.customer_id = cf.customer_id
ORDER BY s.customer_key
