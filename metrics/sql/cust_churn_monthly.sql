-- Monthly churn within [$start, $end] with an inactivity window of $window_days (≥ 31) days.
-- Each calendar month (clipped to the period) is a period of its own, as in METRICS.md: of the
-- customers active at its first day (an order in the $window_days days before it), the share with
-- no order in the $window_days days up to and including its last day.
-- How: a customer's order on day o followed by the next on day n is "active" on days
-- o .. least(n, o + W) − 1; active_at_start = #intervals covering ms − 1, read from a running sum
-- of +1/−1 events. With W longer than any month, a customer churns in month m exactly when an
-- interval lapses (o + W) inside m and the next order, if any, comes after m's last day.
-- Grain: one row per month (first day of the calendar month). Counts of customers.
WITH days AS (
    SELECT DISTINCT customer_id, order_date AS o
    FROM order_lines
    WHERE dataset = $dataset
      AND customer_id IS NOT NULL
      AND order_date BETWEEN $start - $window_days AND $end
      AND (len($channels) = 0 OR list_contains($channels, channel))
      AND (len($regions) = 0 OR list_contains($regions, region))
),
intervals AS (
    SELECT o, lead(o) OVER (PARTITION BY customer_id ORDER BY o) AS n
    FROM days
),
events AS (
    SELECT day, sum(delta) AS delta
    FROM (SELECT o AS day, 1 AS delta FROM intervals
          UNION ALL
          SELECT least(coalesce(n, o + $window_days), o + $window_days), -1 FROM intervals)
    GROUP BY day
),
running AS (
    SELECT day, sum(delta) OVER (ORDER BY day) AS active FROM events
),
months AS (
    SELECT m::DATE AS month,
           greatest(m::DATE, $start) AS ms,
           least((m + INTERVAL 1 MONTH)::DATE - 1, $end) AS me
    FROM range(date_trunc('month', $start), $end + 1, INTERVAL 1 MONTH) AS r(m)
),
at_start AS (
    SELECT m.month, coalesce(r.active, 0) AS active_at_start
    FROM months m ASOF LEFT JOIN running r ON r.day <= m.ms - 1
),
lapses AS (
    SELECT m.month, count(*) AS churned
    FROM intervals i
    JOIN months m ON i.o + $window_days BETWEEN m.ms AND m.me
    WHERE i.n IS NULL OR i.n > m.me
    GROUP BY m.month
)
SELECT m.month, s.active_at_start, coalesce(l.churned, 0) AS churned
FROM months m
JOIN at_start s USING (month)
LEFT JOIN lapses l USING (month)
ORDER BY m.month
