-- What the customer-voice pages can show for a dataset: rows of each file kind and of its parts.
-- Grain: one row.
SELECT
    (SELECT count(*) FROM feedback WHERE dataset = $dataset AND scale = '0-10') AS nps_answers,
    (SELECT count(*) FROM feedback WHERE dataset = $dataset AND scale <> '0-10') AS csat_answers,
    (SELECT count(*) FROM feedback WHERE dataset = $dataset AND nullif(trim(comment), '') IS NOT NULL) AS comments,
    (SELECT count(*) FROM customers WHERE dataset = $dataset) AS customer_records,
    (SELECT count(*) FROM customers WHERE dataset = $dataset AND nullif(trim(referred_by), '') IS NOT NULL) AS referrals,
    (SELECT count(*) FROM interactions WHERE dataset = $dataset) AS contacts,
    (SELECT count(*) FROM traffic WHERE dataset = $dataset) AS traffic_rows,
    (SELECT count(*) FROM traffic WHERE dataset = $dataset AND conversion_rate IS NOT NULL) AS stated_rates
