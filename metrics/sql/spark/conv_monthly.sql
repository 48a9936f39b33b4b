-- Spark variant of metrics/sql/conv_monthly.sql (README "Scale out"): the months of the period come
-- from a month counter (generate_series(0, months crossed) + to_months) instead of a table-valued
-- generate_series with an INTERVAL step, which has no Spark equivalent the translation can check.
-- Same parameters, columns and rows (tests/unit/test_spark_port.py compares them on DuckDB).
-- Channel conversion per calendar month of the period: each traffic row of a sales channel split into
-- the months it covers (clipped to $start..$end), its visitors prorated by the days in each, and the
-- channel's orders on those days; as conv_windows.sql, a row without a period covers the dataset's
-- whole range and the region filter does not apply. Rows that state a rate keep it.
-- Grain: one row per (traffic row, month); orders per (channel, window), repeated on its rows.
WITH ds AS (SELECT first_date, last_date FROM datasets WHERE name = $dataset),
rows AS (
    SELECT t.channel, t.source, t.visitors, t.conversion_rate,
           coalesce(t.period_start, ds.first_date) AS p0, coalesce(t.period_end, ds.last_date) AS p1
    FROM traffic t, ds
    WHERE t.dataset = $dataset AND t.channel IS NOT NULL AND is_selected($channels, t.channel)
),
months AS (
    SELECT m AS month, greatest(m, $start::DATE) AS m0, least(last_day(m), $end::DATE) AS m1
    FROM (SELECT (date_trunc('month', $start::DATE) + to_months(k))::DATE AS m
          FROM (SELECT unnest(generate_series(0, datediff('month', $start::DATE, $end::DATE))) AS k))
),
clipped AS (
    SELECT r.*, m.month, greatest(r.p0, m.m0) AS d0, least(r.p1, m.m1) AS d1,
           (least(r.p1, m.m1) - greatest(r.p0, m.m0) + 1) / (r.p1 - r.p0 + 1) AS kept
    FROM rows r JOIN months m ON r.p0 <= m.m1 AND r.p1 >= m.m0
),
windows AS (SELECT DISTINCT channel, d0, d1 FROM clipped),
sold AS (  -- the channel's orders in each window, from the daily rollup (013)
    SELECT w.channel, w.d0, w.d1, coalesce(sum(d.orders), 0)::BIGINT AS orders
    FROM windows w LEFT JOIN selected_days($dataset, $start, $end, $channels, []::VARCHAR[]) d
         ON d.channel = w.channel AND d.order_date BETWEEN w.d0 AND w.d1
    GROUP BY ALL
)
SELECT c.month, c.channel, c.source, c.d0, c.d1, c.visitors * c.kept AS visitors, c.conversion_rate AS stated_rate,
       s.orders AS channel_orders
FROM clipped c
JOIN sold s ON s.channel = c.channel AND s.d0 = c.d0 AND s.d1 = c.d1
ORDER BY c.month, c.channel, c.source
