-- Cohort retention (METRICS.md): cohort = calendar month of the customer's first order ever (whole
-- dataset); cell (cohort, k) = customers of the cohort with ≥1 order (in the selected channels and
-- regions) in month cohort + k. Cohorts acquired within [$start, $end]; k up to the month of $end.
-- $acq_channels (empty = all) keeps cohorts' customers acquired through those channels, the
-- acquisition channel being customers.acquisition_channel when present, else the first order's
-- (cohorts.py; ties on the first day: the alphabetically first channel).
-- How: the first order day and first-day channel come from customer_firsts (migration 007, one row
-- per customer); the months with an order in the selection are a bitmask per customer (k = 0 .. 126
-- from the month of $start, HUGEINT) OR-ed over the order_first lines (one per order × date ×
-- channel × region, so they carry every ordering day), grouped by the integer customer_key.
-- Members with equal (cohort, mask) are counted together before the months are expanded.
-- Grain: one row per (cohort, k) with cohort_size and active customers.
WITH bounds AS (
    SELECT date_trunc('month', $start)::DATE AS m0,
           datediff('month', date_trunc('month', $start), $end) AS last_k
),
months AS (
    SELECT customer_key, bit_or(1::HUGEINT << datediff('month', b.m0, order_date)) AS months
    FROM selected_customer_days($dataset, date_trunc('month', $start)::DATE, $end, $channels, $regions), bounds b
    GROUP BY customer_key
),
acquired AS (
    -- the customers table is read only when slicing ($acq_channels is bound before planning, so an
    -- empty list prunes this scan)
    SELECT customer_id, min(acquisition_channel) AS acquisition_channel
    FROM customers
    WHERE dataset = $dataset AND len($acq_channels) > 0
    GROUP BY customer_id
),
members AS (
    SELECT datediff('month', b.m0, cf.first_date) AS cohort_k, coalesce(m.months, 0::HUGEINT) AS months,
           count(*) AS customers
    FROM customer_firsts cf
    CROSS JOIN bounds b
    LEFT JOIN months m USING (customer_key)
    LEFT JOIN acquired a USING (customer_id)
    WHERE cf.dataset = $dataset
      AND cf.first_date BETWEEN b.m0 AND $end
      AND is_selected($acq_channels, coalesce(a.acquisition_channel, cf.first_day_channel))
    GROUP BY ALL
)
SELECT (b.m0 + to_months(m.cohort_k::INTEGER))::DATE AS cohort,
       r.k,
       sum(m.customers)::BIGINT AS cohort_size,
       coalesce(sum(m.customers) FILTER (WHERE (m.months >> (m.cohort_k + r.k)::INTEGER) & 1 = 1), 0)::BIGINT AS active
FROM members m
CROSS JOIN bounds b
JOIN range(0, 127) AS r(k) ON m.cohort_k + r.k <= b.last_k
GROUP BY ALL
ORDER BY cohort, r.k
