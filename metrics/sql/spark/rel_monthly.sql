-- Spark variant of metrics/sql/rel_monthly.sql (README "Scale out"): the months come from a month
-- counter instead of a table-valued generate_series with an INTERVAL step, and each month's counts
-- from joins instead of correlated subqueries with range predicates. Same parameters, columns and
-- rows (tests/unit/test_spark_port.py compares them on DuckDB).
-- Contact frequency (METRICS.md): per calendar month of the period (clipped to $start..$end), the
-- contacts with the selection's customers and the customers active at the month's end (an order,
-- any channel, in the $window days up to and including it). The selection is by customer: their
-- acquisition channel and region (customer_scope, migration 011); a contact with an id no order or
-- customer record knows counts only without a channel or region filter.
-- Grain: one row per month (month = its first day).
WITH months AS (
    SELECT m AS month, greatest(m, $start::DATE) AS d0, least(last_day(m), $end::DATE) AS d1
    FROM (SELECT (date_trunc('month', $start::DATE) + to_months(k))::DATE AS m
          FROM (SELECT unnest(generate_series(0, datediff('month', $start::DATE, $end::DATE))) AS k))
),
chosen AS (
    SELECT customer_id FROM customer_scope($dataset)
    WHERE is_selected($channels, acquisition_channel) AND is_selected($regions, region)
),
contacts AS (
    SELECT i.contact_date, i.contact_type
    FROM interactions i
    WHERE i.dataset = $dataset AND i.contact_date BETWEEN $start AND $end
      AND (i.customer_id IN (SELECT customer_id FROM chosen) OR (len($channels) = 0 AND len($regions) = 0))
),
orders AS (
    SELECT l.customer_key, l.order_date
    FROM dataset_lines($dataset) l
    WHERE l.order_first AND l.customer_id IN (SELECT customer_id FROM chosen)
      AND l.order_date BETWEEN $start - $window AND $end
),
contacted AS (
    SELECT m.month, count(c.contact_date) AS contacts,
           count(c.contact_date) FILTER (WHERE c.contact_type = 'visit') AS visits,
           count(c.contact_date) FILTER (WHERE c.contact_type = 'call') AS calls,
           count(c.contact_date) FILTER (WHERE c.contact_type = 'wecom') AS wecom,
           count(c.contact_date) FILTER (WHERE c.contact_type = 'email') AS email
    FROM months m
    LEFT JOIN contacts c ON c.contact_date BETWEEN m.d0 AND m.d1
    GROUP BY m.month
),
active AS (
    SELECT m.month, count(DISTINCT o.customer_key) AS active_customers
    FROM months m
    LEFT JOIN orders o ON o.order_date > m.d1 - $window AND o.order_date <= m.d1
    GROUP BY m.month
)
SELECT m.month, m.d0, m.d1, c.contacts, c.visits, c.calls, c.wecom, c.email, a.active_customers
FROM months m
JOIN contacted c ON c.month = m.month
JOIN active a ON a.month = m.month
ORDER BY m.month
