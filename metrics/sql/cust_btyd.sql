-- BTYD inputs per customer (METRICS.md, as the published CDNOW summary): purchases aggregated per
-- customer per day; over days up to the calibration end $cal_end: x = repeat purchase days,
-- t_x = days from first to last purchase, T = days from first purchase to $cal_end, zbar = mean
-- value (Σ revenue − refund, yuan) of the repeat purchase days (0 when x = 0).
-- holdout_x = purchase days in ($cal_end, $holdout_end] (0 when $holdout_end = $cal_end).
-- Grain: one row per customer whose first purchase is on or before $cal_end. Times in days.
WITH days AS (
    SELECT customer_id, order_date, sum(net_revenue) AS value
    FROM dataset_lines($dataset)
    WHERE customer_id IS NOT NULL AND order_date <= $holdout_end
    GROUP BY customer_id, order_date
),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY order_date) AS nth
    FROM days
)
SELECT customer_id,
       count(*) FILTER (WHERE order_date <= $cal_end) - 1 AS x,
       (max(order_date) FILTER (WHERE order_date <= $cal_end) - min(order_date))::INTEGER AS t_x_days,
       ($cal_end - min(order_date))::INTEGER AS T_days,
       coalesce(avg(value) FILTER (WHERE order_date <= $cal_end AND nth > 1), 0) AS zbar,
       count(*) FILTER (WHERE order_date > $cal_end) AS holdout_x
FROM numbered
GROUP BY customer_id
HAVING min(order_date) <= $cal_end
ORDER BY customer_id
