-- Delete one goal of a dataset. Grain: the ids deleted (0 or 1 row).
DELETE FROM goals WHERE dataset = $dataset AND id = $id RETURNING id
