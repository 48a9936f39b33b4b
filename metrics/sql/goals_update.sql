-- Edit one goal of a dataset (every editable field; created_at stays). Grain: the ids updated (0 or 1 row).
UPDATE goals
SET metric = $metric, target = $target, deadline = $deadline, owner = $owner, scope = $scope,
    baseline = $baseline, baseline_date = $baseline_date, notes = $notes
WHERE dataset = $dataset AND id = $id
RETURNING id
