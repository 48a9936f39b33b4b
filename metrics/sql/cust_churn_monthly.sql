-- Monthly churn within [$start, $end] with an inactivity window of $window_days (≥ 31) days.
-- Each calendar month k (clipped to the period: ms_k .. me_k) is a period of its own, as in
-- METRICS.md: of the customers active at its start (an order in [ms_k − W, ms_k − 1]), the share
-- with no order in (me_k − W, me_k].
-- How (one pass over the orders, no sort): with W longer than any month, a customer churns in
-- month k exactly when they have an order d with d + W in [ms_k, me_k] and none in (me_k − W, me_k].
-- Only the order_first lines are read (migration 006: one per order × date × channel × region ×
-- customer, so they carry every day a customer ordered in the selection), grouped by the integer
-- customer_key. Each sets bits of three month masks (k = 0 .. 126, HUGEINT), OR-ed per customer:
--   active: ms_k in (d, d + W]   covered: me_k in [d, d + W)   lapse: d + W in [ms_k, me_k]
-- churned in k = lapse bit set and covered bit not set. Customers with equal masks are counted
-- together before the months are expanded (a few thousand mask pairs instead of every customer).
-- Grain: one row per month (first day of the calendar month). Counts of customers.
WITH bounds AS (
    SELECT date_trunc('month', $start)::DATE AS m0,
           datediff('month', date_trunc('month', $start), $end) AS last_k
),
lines AS (
    SELECT customer_key,
           -- month index of a day for "ms_k ≤ day" tests: days before $start count as −1
           CASE WHEN order_date < $start THEN -1 ELSE datediff('month', b.m0, order_date) END AS ia_d,
           CASE WHEN order_date + $window_days < $start THEN -1
                ELSE least(datediff('month', b.m0, order_date + $window_days), b.last_k) END AS ia_e,
           -- month index for "day ≤ me_k" tests: before month 0 → 0, after $end → last_k + 1
           greatest(datediff('month', b.m0, order_date), 0) AS ib_d,
           CASE WHEN order_date + $window_days > $end THEN b.last_k + 1
                ELSE datediff('month', b.m0, order_date + $window_days) END AS ib_e,
           order_date + $window_days BETWEEN $start AND $end AS lapses_inside
    FROM selected_customer_days($dataset, $start - $window_days, $end, $channels, $regions), bounds b
),
masks AS (
    SELECT bit_or(((1::HUGEINT << (ia_e + 1)) - 1) & ~((1::HUGEINT << (ia_d + 1)) - 1)) AS active,
           bit_or(((1::HUGEINT << ib_e) - 1) & ~((1::HUGEINT << ib_d) - 1)) AS covered,
           bit_or(CASE WHEN lapses_inside THEN 1::HUGEINT << ia_e ELSE 0::HUGEINT END) AS lapse
    FROM lines
    GROUP BY customer_key
),
mask_counts AS (
    SELECT active, lapse & ~covered AS churned, count(*) AS customers
    FROM masks
    GROUP BY ALL
)
SELECT (b.m0 + to_months(k::INTEGER))::DATE AS month,
       coalesce(sum(customers) FILTER (WHERE (active >> k) & 1 = 1), 0)::BIGINT AS active_at_start,
       coalesce(sum(customers) FILTER (WHERE (churned >> k) & 1 = 1), 0)::BIGINT AS churned
FROM mask_counts, bounds b, range(0, b.last_k + 1) AS r(k)
GROUP BY ALL
ORDER BY month
