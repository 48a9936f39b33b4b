-- Cohort retention (METRICS.md): cohort = calendar month of the customer's first order ever (whole
-- dataset); cell (cohort, k) = customers of the cohort with ≥1 order (in the selected channels and
-- regions) in month cohort + k. Cohorts acquired within [$start, $end]; k up to the month of $end.
-- $acq_channels (empty = all) keeps cohorts' customers acquired through those channels, the
-- acquisition channel being customers.acquisition_channel when present, else the first order's
-- (cohorts.py; ties on the first day: the alphabetically first channel).
-- Grain: one row per (cohort, k) with cohort_size and active customers.
WITH firsts AS (
    SELECT customer_id, date_trunc('month', min(order_date))::DATE AS cohort
    FROM order_lines
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
    SELECT f.customer_id, f.cohort
    FROM firsts f
    LEFT JOIN first_channels fc USING (customer_id)
    LEFT JOIN (SELECT customer_id, any_value(acquisition_channel) AS acquisition_channel
               FROM customers WHERE dataset = $dataset GROUP BY customer_id) c USING (customer_id)
    WHERE f.cohort BETWEEN date_trunc('month', $start) AND $end
      AND (len($acq_channels) = 0 OR list_contains($acq_channels, coalesce(c.acquisition_channel, fc.first_channel)))
),
activity AS (
    SELECT DISTINCT customer_id, date_trunc('month', order_date)::DATE AS month
    FROM order_lines
    WHERE dataset = $dataset
      AND customer_id IS NOT NULL
      AND order_date BETWEEN date_trunc('month', $start) AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
sizes AS (
    SELECT cohort, count(*) AS cohort_size FROM members GROUP BY cohort
),
cells AS (
    SELECT m.cohort, datediff('month', m.cohort, a.month) AS k, count(*) AS active
    FROM members m
    JOIN activity a ON a.customer_id = m.customer_id AND a.month >= m.cohort
    GROUP BY ALL
)
SELECT s.cohort, g.k, s.cohort_size, coalesce(c.active, 0) AS active
FROM sizes s
CROSS JOIN LATERAL (SELECT unnest(range(0, datediff('month', s.cohort, date_trunc('month', $end)) + 1)) AS k) g
LEFT JOIN cells c ON c.cohort = s.cohort AND c.k = g.k
ORDER BY s.cohort, g.k
