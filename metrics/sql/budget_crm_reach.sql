-- Whom each CRM programme reached over the window [$start, $end]: contacts in the contacted group,
-- distinct customers, and those customers' revenue and gross profit in the window (gross profit over
-- lines with cost). The budget model values a retained customer at this 12-month value.
-- Grain: one row per programme. Counts; money in yuan.
WITH reached AS (
    SELECT programme, customer_id, count(*) FILTER (WHERE NOT is_control) AS contacts
    FROM crm_contacts
    WHERE dataset = $dataset AND contact_date BETWEEN $start AND $end
    GROUP BY ALL
),
value AS (
    SELECT customer_id,
           sum(net_revenue) AS revenue,
           sum(net_revenue - cost) AS gross_profit
    FROM selected_lines($dataset, $start, $end, [], [])
    WHERE customer_id IS NOT NULL
    GROUP BY customer_id
)
SELECT r.programme,
       sum(r.contacts) AS contacts,
       count(*) AS customers,
       sum(coalesce(v.revenue, 0)) AS revenue,
       sum(v.gross_profit) AS gross_profit
FROM reached r
LEFT JOIN value v USING (customer_id)
GROUP BY r.programme
ORDER BY r.programme
