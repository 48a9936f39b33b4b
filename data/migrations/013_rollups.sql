-- 013: rollups maintained at load time (data.registry.derive_rollups rebuilds a dataset's rows on
-- every load), so the pages that sum money or count orders stop scanning every line on each
-- filter change. Both keep the dimensions the sidebar filters on (date, channel, region), so a
-- query over them answers exactly what the same query over the lines answers.
--   daily_sales:  one row per (day, channel, region): lines, orders (order_first lines), net revenue
--                 (revenue − refund, as dataset_lines), revenue_with_cost (net revenue of lines
--                 whose cost is known), gross_profit (Σ net − cost over those lines; NULL when none
--                 has a cost, as over the lines) and cost. At 10M lines: ~50k rows.
--   customer_days: one row per (day, channel, region, known customer): orders (order_first
--                 lines) and net revenue as an exact DECIMAL(38,6) sum (RFM's monetary sums it
--                 exactly, as it summed the lines). Customer counts, repeat, churn, RFM and cohorts
--                 read these instead of every line (at 10M lines: ~4.8M rows).
CREATE TABLE daily_sales (
    dataset VARCHAR NOT NULL,
    order_date DATE NOT NULL,
    channel VARCHAR,
    region VARCHAR,
    lines BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    net_revenue DOUBLE,
    revenue_with_cost DOUBLE,
    gross_profit DOUBLE,
    cost DOUBLE
);

CREATE TABLE customer_days (
    dataset VARCHAR NOT NULL,
    order_date DATE NOT NULL,
    channel VARCHAR,
    region VARCHAR,
    customer_key BIGINT NOT NULL,
    orders BIGINT NOT NULL,
    net_revenue DECIMAL(38, 6)
);

-- the one definition of each rollup: data.registry.derive_rollups reads them for one dataset
CREATE MACRO daily_sales_of(ds) AS TABLE
SELECT dataset, order_date, channel, region,
       count(*) AS lines,
       count(*) FILTER (WHERE order_first) AS orders,
       sum(net_revenue) AS net_revenue,
       sum(net_revenue) FILTER (WHERE cost IS NOT NULL) AS revenue_with_cost,
       sum(net_revenue - cost) AS gross_profit,
       sum(cost) AS cost
FROM dataset_lines(ds)
GROUP BY dataset, order_date, channel, region;

CREATE MACRO customer_days_of(ds) AS TABLE
SELECT dataset, order_date, channel, region, customer_key,
       count(*) FILTER (WHERE order_first) AS orders,
       sum(net_revenue::DECIMAL(38, 6)) AS net_revenue
FROM dataset_lines(ds)
WHERE customer_key IS NOT NULL
GROUP BY dataset, order_date, channel, region, customer_key;

-- what queries in metrics/sql read, with the sidebar's selection (009's in_selection) as selected_lines
CREATE MACRO selected_days(ds, d0, d1, chans, regs) AS TABLE
SELECT *
FROM daily_sales
WHERE dataset = ds AND in_selection(d0, d1, chans, regs, order_date, channel, region);

CREATE MACRO selected_customer_days(ds, d0, d1, chans, regs) AS TABLE
SELECT *
FROM customer_days
WHERE dataset = ds AND in_selection(d0, d1, chans, regs, order_date, channel, region);
