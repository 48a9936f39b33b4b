-- Cohort retention (METRICS.md): cohort = calendar month of the customer's first order ever (whole
-- dataset); cell (cohort, k) = customers of the cohort with ≥1 order (in the selected channels and
-- regions) in month cohort + k. Cohorts acquired within [$start, $end]; k up to the month of $end.
-- $acq_channels (empty = all) keeps cohorts' customers acquired through those channels, the
-- acquisition channel being customers.acquisition_channel when present, else the first order's
-- (cohorts.py; ties on the first day: the alphabetically first channel).
-- How (one pass over the lines): per customer, the first order day and a bitmask of the months
-- (k = 0 .. 126 from the month of $start, HUGEINT) with an order in the selection.
-- Grain: one row per (cohort, k) with cohort_size and active customers.
WITH bounds AS (
    SELECT date_trunc('month', $start)::DATE AS m0,
           datediff('month', date_trunc('month', $start), $end) AS last_k
),
per_customer AS (
    SELECT customer_id,
           min(order_date) AS first_day,
           bit_or(CASE WHEN order_date >= b.m0
                            AND (len($channels) = 0 OR list_contains($channels, channel))
                            AND (len($regions) = 0 OR list_contains($regions, region))
                       THEN 1::HUGEINT << datediff('month', b.m0, order_date) ELSE 0::HUGEINT END) AS months
    FROM order_lines, bounds b
    WHERE dataset = $dataset AND customer_id IS NOT NULL AND order_date <= $end
    GROUP BY customer_id
),
first_channels AS (
    -- only computed when slicing ($acq_channels is bound before planning, so an empty list prunes
    -- this scan); ties on the first day go to the alphabetically first channel
    SELECT customer_id, substr(min(strftime(order_date, '%Y%m%d') || channel), 9) AS first_channel
    FROM order_lines
    WHERE dataset = $dataset AND customer_id IS NOT NULL AND len($acq_channels) > 0
    GROUP BY customer_id
),
members AS (
    SELECT datediff('month', b.m0, p.first_day) AS cohort_k, p.months
    FROM per_customer p
    CROSS JOIN bounds b
    LEFT JOIN first_channels fc USING (customer_id)
    LEFT JOIN (SELECT customer_id, any_value(acquisition_channel) AS acquisition_channel
               FROM customers WHERE dataset = $dataset GROUP BY customer_id) c USING (customer_id)
    WHERE p.first_day >= b.m0
      AND (len($acq_channels) = 0 OR list_contains($acq_channels, coalesce(c.acquisition_channel, fc.first_channel)))
)
SELECT (b.m0 + to_months(m.cohort_k::INTEGER))::DATE AS cohort,
       r.k,
       count(*) AS cohort_size,
       count(*) FILTER (WHERE (m.months >> (m.cohort_k + r.k)::INTEGER) & 1 = 1) AS active
FROM members m
CROSS JOIN bounds b
JOIN range(0, 127) AS r(k) ON m.cohort_k + r.k <= b.last_k
GROUP BY ALL
ORDER BY cohort, r.k
