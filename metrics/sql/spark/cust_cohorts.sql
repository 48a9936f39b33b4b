-- Portable variant of ../cust_cohorts.sql, the SQL the Spark engine runs (README "Scale out"): the same
-- cells, without the per-customer HUGEINT month bitmask and the range() table function, which Spark
-- lacks. Each (customer, month with an order) stays a row; cells are counted by a join of the
-- cohorts' members with those rows. Same parameters, columns and order as the DuckDB query;
-- tests/unit/test_spark_port.py checks both give the same cells on DuckDB.
WITH bounds AS (
    SELECT date_trunc('month', $start)::DATE AS m0,
           datediff('month', date_trunc('month', $start), $end) AS last_k
),
months AS (
    SELECT DISTINCT customer_key, datediff('month', b.m0, order_date) AS mk
    FROM selected_lines($dataset, date_trunc('month', $start)::DATE, $end, $channels, $regions), bounds b
    WHERE order_first AND customer_key IS NOT NULL
),
acquired AS (
    SELECT customer_id, min(acquisition_channel) AS acquisition_channel
    FROM customers
    WHERE dataset = $dataset AND len($acq_channels) > 0
    GROUP BY customer_id
),
members AS (
    SELECT cf.customer_key, datediff('month', b.m0, cf.first_date) AS cohort_k
    FROM customer_firsts cf
    CROSS JOIN bounds b
    LEFT JOIN acquired a USING (customer_id)
    WHERE cf.dataset = $dataset
      AND cf.first_date BETWEEN b.m0 AND $end
      AND is_selected($acq_channels, coalesce(a.acquisition_channel, cf.first_day_channel))
),
sizes AS (
    SELECT cohort_k, count(*) AS cohort_size FROM members GROUP BY cohort_k
),
active AS (
    SELECT m.cohort_k, mo.mk - m.cohort_k AS k, count(*) AS active
    FROM members m
    JOIN months mo ON mo.customer_key = m.customer_key AND mo.mk >= m.cohort_k
    GROUP BY m.cohort_k, mo.mk - m.cohort_k
),
cells AS (
    -- k = 0 .. months until $end (at most 126, the width of the DuckDB query's bitmask)
    SELECT s.cohort_k, s.cohort_size, unnest(generate_series(0, least(b.last_k - s.cohort_k, 126))) AS k
    FROM sizes s CROSS JOIN bounds b
)
SELECT (b.m0 + to_months(c.cohort_k::INTEGER))::DATE AS cohort,
       c.k,
       c.cohort_size::BIGINT AS cohort_size,
       coalesce(a.active, 0)::BIGINT AS active
FROM cells c
CROSS JOIN bounds b
LEFT JOIN active a ON a.cohort_k = c.cohort_k AND a.k = c.k
ORDER BY cohort, c.k
