-- Monthly revenue and gross profit by channel within the selected period.
-- Grain: one row per (month, channel). month = first day of the calendar month. Money in the
-- dataset's currency. gross_profit counts lines whose cost is known, and revenue_with_cost is their
-- revenue: the margin's denominator (a margin over all revenue would drift from the margin KPI
-- whenever some lines have no cost). Read from the daily rollup (migration 013).
SELECT date_trunc('month', order_date)::DATE AS month,
       channel,
       sum(net_revenue) AS revenue,
       sum(gross_profit) AS gross_profit,
       sum(revenue_with_cost) AS revenue_with_cost
FROM selected_days($dataset, $start, $end, $channels, $regions)
GROUP BY ALL
ORDER BY month, channel
