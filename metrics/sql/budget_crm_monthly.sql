-- Monthly CRM (retention) programme spend for the budget levers.
-- Grain: one row per (month, programme). month = first day; amount in yuan.
SELECT month, programme, sum(amount) AS amount
FROM crm_spend
WHERE dataset = $dataset
GROUP BY ALL
ORDER BY programme, month
