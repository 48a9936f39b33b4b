-- Create one goal. Grain: the new goal's id.
INSERT INTO goals (dataset, metric, target, deadline, owner, scope, baseline, baseline_date, created_at, notes)
VALUES ($dataset, $metric, $target, $deadline, $owner, $scope, $baseline, $baseline_date, now()::TIMESTAMP, $notes)
RETURNING id
