-- Channel cost allocated to [start, end]. Costs are monthly; each month's amount counts in
-- proportion to the days of that month inside the period (overlap days ÷ days in the month).
-- Grain: one row per (channel, cost_type). Money in the dataset's currency. No region: costs are national.
SELECT channel, coalesce(cost_type, 'other') AS cost_type,
       sum(amount * (datediff('day', greatest(m, $start), least(last_day(m), $end)) + 1) / day(last_day(m))) AS amount
FROM (
    SELECT channel, cost_type, amount, date_trunc('month', month)::DATE AS m
    FROM channel_costs
    WHERE dataset = $dataset
      AND is_selected($channels, channel)
)
WHERE m <= $end AND last_day(m) >= $start
GROUP BY ALL
ORDER BY channel, cost_type
