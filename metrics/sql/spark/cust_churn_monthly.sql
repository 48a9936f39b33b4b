-- Portable variant of ../cust_churn_monthly.sql, the SQL the Spark engine runs (README "Scale out"):
-- the same months and counts, without the HUGEINT month bitmasks and the range() table function,
-- which Spark lacks. Each order day gives the customer's month indices as rows instead of bits:
--   active at the start of month k:  k in [ia_d + 1, ia_e]
--   covered (an order in the window up to the month's end): k in [ib_d, ib_e − 1]
--   lapse (the window after the day ends inside month k): k = ia_e
-- churned in k = lapse and not covered, per customer; then customers are counted per month.
-- Same parameters, columns and order as the DuckDB query; tests/unit/test_spark_port.py checks both
-- give the same months on DuckDB.
WITH bounds AS (
    SELECT date_trunc('month', $start)::DATE AS m0,
           datediff('month', date_trunc('month', $start), $end) AS last_k
),
lines AS (
    SELECT customer_key,
           CASE WHEN order_date < $start THEN -1 ELSE datediff('month', b.m0, order_date) END AS ia_d,
           CASE WHEN order_date + $window_days < $start THEN -1
                ELSE least(datediff('month', b.m0, order_date + $window_days), b.last_k) END AS ia_e,
           greatest(datediff('month', b.m0, order_date), 0) AS ib_d,
           CASE WHEN order_date + $window_days > $end THEN b.last_k + 1
                ELSE datediff('month', b.m0, order_date + $window_days) END AS ib_e,
           order_date + $window_days BETWEEN $start AND $end AS lapses_inside
    FROM selected_lines($dataset, $start - $window_days, $end, $channels, $regions), bounds b
    WHERE order_first AND customer_key IS NOT NULL
),
marks AS (
    SELECT customer_key, unnest(generate_series(ia_d + 1, ia_e)) AS k, true AS active, false AS covered,
           false AS lapse
    FROM lines
    UNION ALL
    SELECT customer_key, unnest(generate_series(ib_d, ib_e - 1)), false, true, false
    FROM lines
    UNION ALL
    SELECT customer_key, ia_e, false, false, true
    FROM lines
    WHERE lapses_inside
),
per_customer AS (
    SELECT k, bool_or(active) AS active, bool_or(lapse) AND NOT bool_or(covered) AS churned
    FROM marks
    GROUP BY customer_key, k
),
counts AS (
    SELECT k, count(*) FILTER (WHERE active) AS active_at_start, count(*) FILTER (WHERE churned) AS churned
    FROM per_customer
    GROUP BY k
),
months AS (
    SELECT unnest(generate_series(0, last_k)) AS k FROM bounds
)
SELECT (b.m0 + to_months(m.k::INTEGER))::DATE AS month,
       coalesce(c.active_at_start, 0)::BIGINT AS active_at_start,
       coalesce(c.churned, 0)::BIGINT AS churned
FROM months m
CROSS JOIN bounds b
LEFT JOIN counts c ON c.k = m.k
ORDER BY month
