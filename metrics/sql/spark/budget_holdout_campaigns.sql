-- Spark variant of metrics/sql/budget_holdout_campaigns.sql (README "Scale out"): each contact's
-- next buying day comes from a range join and a grouped min instead of an ASOF join, which Spark
-- does not have. Same parameters, columns and rows (tests/unit/test_spark_port.py compares them on
-- DuckDB).
-- CRM holdouts per campaign (METRICS.md "CRM lift"): for the contacted and the control group, how
-- many contacts have a complete follow-up window of $short and of $long days inside the data, and how
-- many of those bought again within it (an order on a later day, in any channel). A campaign's month
-- is its first contact's month.
-- Grain: one row per (programme, campaign). Counts of contacts.
WITH bounds AS (
    SELECT max(order_date) AS last_date FROM daily_sales WHERE dataset = $dataset
),
days AS (
    -- buying days per customer, from the customer-day rollup (migration 013), not from every line
    SELECT DISTINCT customer_key, order_date
    FROM customer_days
    WHERE dataset = $dataset
),
contacts AS (
    -- every contact row counts, as in the DuckDB query: the row number keeps two equal rows apart
    SELECT row_number() OVER (PARTITION BY c.programme, c.campaign ORDER BY c.customer_id, c.contact_date, c.is_control)
               AS contact_row, c.programme, c.campaign, c.customer_id, c.contact_date,
           c.is_control, k.customer_key
    FROM crm_contacts c
    LEFT JOIN customer_firsts k ON k.dataset = $dataset AND k.customer_id = c.customer_id
    WHERE c.dataset = $dataset
),
followed AS (
    SELECT c.contact_row, c.programme, c.campaign, c.customer_id, c.contact_date, c.is_control,
           min(d.order_date) AS next_date
    FROM contacts c
    LEFT JOIN days d
      ON d.customer_key = c.customer_key AND d.order_date > c.contact_date AND d.order_date <= c.contact_date + $long
    GROUP BY ALL
)
SELECT programme,
       campaign,
       date_trunc('month', min(contact_date))::DATE AS month,
       count(*) FILTER (WHERE NOT is_control) AS contacted,
       count(*) FILTER (WHERE is_control) AS control,
       count(*) FILTER (WHERE NOT is_control AND contact_date + $short <= last_date) AS contacted_short,
       count(*) FILTER (WHERE NOT is_control AND contact_date + $short <= last_date
                        AND next_date <= contact_date + $short) AS contacted_short_back,
       count(*) FILTER (WHERE is_control AND contact_date + $short <= last_date) AS control_short,
       count(*) FILTER (WHERE is_control AND contact_date + $short <= last_date
                        AND next_date <= contact_date + $short) AS control_short_back,
       count(*) FILTER (WHERE NOT is_control AND contact_date + $long <= last_date) AS contacted_long,
       count(*) FILTER (WHERE NOT is_control AND contact_date + $long <= last_date
                        AND next_date IS NOT NULL) AS contacted_long_back,
       count(*) FILTER (WHERE is_control AND contact_date + $long <= last_date) AS control_long,
       count(*) FILTER (WHERE is_control AND contact_date + $long <= last_date
                        AND next_date IS NOT NULL) AS control_long_back
FROM followed, bounds
GROUP BY programme, campaign
ORDER BY programme, month, campaign
