-- Churn of detractors against promoters: each customer's latest 0-10 answer in the period (same-day
-- ties: the lowest score), in the sidebar's channels and regions, and whether the customer ordered
-- again (any channel) within $window days after it. Only answers whose window ends by $as_of count
-- as judged ("complete"); lapsed = complete and no order on days (answer, answer + $window].
-- Grain: one row per respondent. group_key: 'promoter' 9–10, 'passive' 7–8, 'detractor' 0–6.
WITH answers AS (
    SELECT a.customer_id, a.feedback_date, a.score
    FROM feedback a
    LEFT JOIN customer_scope($dataset) s USING (customer_id)
    WHERE a.dataset = $dataset AND a.scale = '0-10'
      AND a.feedback_date BETWEEN $start AND $end
      AND is_selected($channels, coalesce(a.channel, s.acquisition_channel))
      AND is_selected($regions, s.region)
    QUALIFY row_number() OVER (PARTITION BY a.customer_id ORDER BY a.feedback_date DESC, a.score) = 1
),
later AS (
    SELECT l.customer_id, l.order_date
    FROM dataset_lines($dataset) l
    WHERE l.order_first AND l.customer_id IN (SELECT customer_id FROM answers)
)
SELECT a.customer_id, a.feedback_date, a.score,
       CASE WHEN a.score >= 9 THEN 'promoter' WHEN a.score >= 7 THEN 'passive' ELSE 'detractor' END AS group_key,
       a.feedback_date + $window <= $as_of AS complete,
       NOT EXISTS (SELECT 1 FROM later o WHERE o.customer_id = a.customer_id
                   AND o.order_date > a.feedback_date AND o.order_date <= a.feedback_date + $window) AS lapsed
FROM answers a
ORDER BY a.customer_id
