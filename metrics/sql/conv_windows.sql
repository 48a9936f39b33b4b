-- Channel conversion (METRICS.md "Conversion rate"): the traffic rows of the period, each clipped to
-- $start..$end with its visitors prorated by the days kept, and the orders of its channel on those
-- days. A row without a period covers the dataset's whole range. Rows of one channel and period
-- (several sources) share one window, so its orders count once. The region filter does not apply:
-- visitors are not counted per region.
-- Grain: one row per traffic row; orders is per (channel, window) and repeated on its rows.
WITH ds AS (SELECT first_date, last_date FROM datasets WHERE name = $dataset),
rows AS (
    SELECT t.channel, t.source, t.source_detail, t.visitors, t.leads, t.conversion_rate, t.aov,
           coalesce(t.period_start, ds.first_date) AS p0, coalesce(t.period_end, ds.last_date) AS p1,
           t.period_start IS NULL AS undated
    FROM traffic t, ds
    WHERE t.dataset = $dataset AND is_selected($channels, t.channel)
),
clipped AS (
    SELECT *, greatest(p0, $start) AS d0, least(p1, $end) AS d1,
           (least(p1, $end) - greatest(p0, $start) + 1) / (p1 - p0 + 1) AS kept
    FROM rows
    WHERE p0 <= $end AND p1 >= $start
),
windows AS (SELECT DISTINCT channel, d0, d1 FROM clipped WHERE channel IS NOT NULL),
sold AS (  -- the channel's orders in each window, from the daily rollup (013)
    SELECT w.channel, w.d0, w.d1, coalesce(sum(d.orders), 0)::BIGINT AS orders
    FROM windows w LEFT JOIN selected_days($dataset, $start, $end, $channels, []::VARCHAR[]) d
         ON d.channel = w.channel AND d.order_date BETWEEN w.d0 AND w.d1
    GROUP BY ALL
)
SELECT c.channel, c.source, c.source_detail, c.d0, c.d1, c.undated, c.visitors * c.kept AS visitors,
       c.leads * c.kept AS leads, c.conversion_rate AS stated_rate, c.aov AS stated_aov,
       s.orders AS channel_orders
FROM clipped c
LEFT JOIN sold s ON s.channel = c.channel AND s.d0 = c.d0 AND s.d1 = c.d1
ORDER BY c.channel, c.d0, c.source
