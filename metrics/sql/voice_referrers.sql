-- Each referrer of the period's referred new customers: whether the referrer is a customer of the
-- dataset, when they first ordered, their revenue to $end (net of refunds) and their latest 0-10
-- answer up to $end. $referrers = the referrer ids (from voice_referrals).
-- Grain: one row per referrer id.
WITH ids AS (SELECT unnest($referrers::VARCHAR[]) AS customer_id),
scope AS (SELECT customer_id, first_date FROM customer_scope($dataset) WHERE customer_id IN (SELECT customer_id FROM ids)),
spent AS (
    SELECT customer_id, sum(net_revenue) AS revenue
    FROM dataset_lines($dataset)
    WHERE customer_id IN (SELECT customer_id FROM ids) AND order_date <= $end
    GROUP BY customer_id
),
said AS (
    SELECT customer_id, score
    FROM feedback
    WHERE dataset = $dataset AND scale = '0-10' AND feedback_date <= $end
      AND customer_id IN (SELECT customer_id FROM ids)
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY feedback_date DESC, score) = 1
)
SELECT i.customer_id, s.customer_id IS NOT NULL AS is_customer, s.first_date, coalesce(p.revenue, 0) AS revenue,
       q.score AS latest_score
FROM ids i
LEFT JOIN scope s USING (customer_id)
LEFT JOIN spent p USING (customer_id)
LEFT JOIN said q USING (customer_id)
ORDER BY i.customer_id
