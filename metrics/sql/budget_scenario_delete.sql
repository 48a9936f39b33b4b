-- Delete one saved budget scenario. Grain: the number of rows deleted (0 or 1).
DELETE FROM budget_scenarios WHERE dataset = $dataset AND name = $scenario
