-- One customer's orders (360° view): every order of $customer_id in the dataset, newest first.
-- Grain: one row per order. Money in yuan (revenue − refund); cost NULL when unknown.
SELECT order_id, min(order_date) AS order_date, min(channel) AS channel, min(region) AS region,
       count(*) AS lines, sum(net_revenue) AS revenue, sum(cost) AS cost
FROM dataset_lines($dataset)
WHERE customer_id = $customer_id
GROUP BY order_id
ORDER BY order_date DESC, order_id
