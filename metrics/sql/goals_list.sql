-- The goals of a dataset, nearest deadline first. Grain: one row per goal; target/baseline in the metric's unit.
SELECT id, dataset, metric, target, deadline, owner, scope, baseline, baseline_date, created_at, notes
FROM goals
WHERE dataset = $dataset
ORDER BY deadline, id
