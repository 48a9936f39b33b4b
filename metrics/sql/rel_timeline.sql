-- One customer's timeline (360° view): orders (date, channel, revenue net of refunds), contacts (date,
-- type, owner, outcome) and survey answers (date, score, scale, comment), newest first.
-- Grain: one row per event; kind = 'order' | 'contact' | 'feedback'.
SELECT * FROM (
    SELECT 'order' AS kind, min(order_date) AS day, min(channel) AS channel, sum(net_revenue) AS revenue,
           NULL::VARCHAR AS detail, NULL::VARCHAR AS note, NULL::DOUBLE AS score, order_id AS ref
    FROM dataset_lines($dataset)
    WHERE customer_id = $customer_id
    GROUP BY order_id
    UNION ALL
    SELECT 'contact', contact_date, NULL, NULL, contact_type, concat_ws(' · ', owner, outcome), NULL, NULL
    FROM interactions
    WHERE dataset = $dataset AND customer_id = $customer_id
    UNION ALL
    SELECT 'feedback', feedback_date, channel, NULL, scale, comment, score, NULL
    FROM feedback
    WHERE dataset = $dataset AND customer_id = $customer_id
)
ORDER BY day DESC, kind, ref, detail, note, score, channel
