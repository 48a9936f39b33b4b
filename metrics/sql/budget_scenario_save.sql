-- Save (or replace) one budget scenario of a dataset. Grain: one row written.
INSERT OR REPLACE INTO budget_scenarios (dataset, name, notes, payload, saved_at)
VALUES ($dataset, $scenario, $notes, $payload, now()::TIMESTAMP)
