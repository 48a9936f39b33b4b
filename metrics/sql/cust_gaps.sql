-- The 80th percentile of all inter-purchase gaps of the dataset, in days (METRICS.md "auto"
-- inactivity window). A gap = days between two consecutive distinct order dates of a customer.
-- How: the days come from the order_first lines only (migration 006: one per order × date × channel
-- × region × customer, so they carry every day a customer ordered), keyed by the integer
-- customer_key. No DISTINCT: over a customer's days in order, a repeated day follows itself with a
-- difference of 0 and each new day follows the previous distinct day, so the positive differences
-- are exactly the gaps (hashing 5M+ customer-days cost more than the window saves at 10M lines).
-- Grain: one row; p80_gap_days is NULL when no customer bought on two different days.
WITH diffs AS (
    SELECT order_date - lag(order_date) OVER (PARTITION BY customer_key ORDER BY order_date) AS gap
    FROM customer_days
    WHERE dataset = $dataset
)
SELECT quantile_cont(gap, 0.8) AS p80_gap_days, count(gap) AS gaps
FROM diffs
WHERE gap > 0
