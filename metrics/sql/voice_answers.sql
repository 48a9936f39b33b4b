-- Survey answers dated $first..$last (inclusive) in the sidebar's channels and regions (empty = all):
-- channel = the channel the answer is about, else the customer's acquisition channel; region = the
-- customer's (customer_scope, migration 011). Scores on the answer's own scale ('0-10' = NPS).
-- Grain: one row per answer.
SELECT a.customer_id, a.feedback_date, a.score, a.scale, a.comment,
       coalesce(a.channel, s.acquisition_channel) AS channel, s.region
FROM feedback a
LEFT JOIN customer_scope($dataset) s USING (customer_id)
WHERE a.dataset = $dataset
  AND a.feedback_date BETWEEN $first AND $last
  AND is_selected($channels, coalesce(a.channel, s.acquisition_channel))
  AND is_selected($regions, s.region)
ORDER BY a.customer_id, a.feedback_date, a.score, a.scale, a.comment, channel, s.region
