-- Lift tests of a dataset (METRICS.md "Experiments calibrate"): the lever, the window, how much the
-- spend moved in it and the revenue that caused, with its standard error.
-- Grain: one row per test. Money in yuan.
SELECT lever, start_date, end_date, spend_change, lift, std_error
FROM experiments
WHERE dataset = $dataset
ORDER BY lever, start_date, end_date
