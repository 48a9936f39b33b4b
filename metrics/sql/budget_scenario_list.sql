-- The saved budget scenarios of a dataset, newest first. Grain: one row per scenario.
SELECT name, notes, payload, saved_at
FROM budget_scenarios
WHERE dataset = $dataset
ORDER BY saved_at DESC, name
