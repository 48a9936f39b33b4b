-- 011: the customer's voice, the relationship and the funnel (METRICS.md "Customer voice,
-- relationship health, conversion"); each table is an extra-file kind of data/ingest (feedback,
-- interactions, traffic) and a fact table a reload replaces. Customer profiles and referrals come
-- with the customers kind: its table gains the profile fields below.
--
-- Survey answers: one row per answer. scale = '0-10' (a "would you recommend" question: NPS),
-- '1-5' or '1-10' (satisfaction: CSAT on the survey's own scale). channel = the channel the answer
-- is about (NULL: the customer's acquisition channel stands in).
CREATE TABLE feedback (
    dataset       VARCHAR NOT NULL,
    customer_id   VARCHAR NOT NULL,
    feedback_date DATE NOT NULL,
    score         DOUBLE NOT NULL,
    scale         VARCHAR NOT NULL,
    comment       VARCHAR,
    channel       VARCHAR
);

-- One-to-one contacts with a customer (a visit, a call, a WeCom chat, an e-mail...): contact_type is
-- 'visit', 'call', 'wecom', 'email', 'sms' when recognised, else the file's own word.
CREATE TABLE interactions (
    dataset      VARCHAR NOT NULL,
    customer_id  VARCHAR NOT NULL,
    contact_date DATE NOT NULL,
    contact_type VARCHAR NOT NULL,
    owner        VARCHAR,
    outcome      VARCHAR
);

-- Visitors per sales channel or traffic source over a period [period_start, period_end] (NULL: the
-- file stated none; the dataset's whole range stands in). conversion_rate and aov as the file
-- states them (a snapshot such as 生意参谋's 支付转化率 and 客单价), NULL when it does not.
CREATE TABLE traffic (
    dataset         VARCHAR NOT NULL,
    period_start    DATE,
    period_end      DATE,
    channel         VARCHAR,
    source          VARCHAR,
    source_detail   VARCHAR,
    visitors        DOUBLE NOT NULL,
    leads           DOUBLE,
    conversion_rate DOUBLE,
    aov             DOUBLE
);

-- Customer profiles (CRM data health) and referrals. Text fields keep what the file says, valid or
-- not (their validity is what data health measures); invalid_fields lists the date and number
-- fields whose cell could not be read ("birth_date,age"), kept empty instead of refusing the row.
ALTER TABLE customers ADD COLUMN referred_by VARCHAR;
ALTER TABLE customers ADD COLUMN name VARCHAR;
ALTER TABLE customers ADD COLUMN phone VARCHAR;
ALTER TABLE customers ADD COLUMN email VARCHAR;
ALTER TABLE customers ADD COLUMN gender VARCHAR;
ALTER TABLE customers ADD COLUMN birth_date DATE;
ALTER TABLE customers ADD COLUMN age DOUBLE;
ALTER TABLE customers ADD COLUMN invalid_fields VARCHAR;

-- Who a customer is, for the pages that look at customers rather than lines (feedback, contacts,
-- referrals): every customer id of the order lines or of the customers file, with the acquisition
-- channel (customers.acquisition_channel, else the first order's, as cust_acquisition.sql), the
-- region (customers.region, else the first order's), the first order (date, channel, region) and
-- the referrer the customers file names. The one definition the customer-voice queries share.
CREATE MACRO customer_scope(ds) AS TABLE
SELECT customer_id,
       coalesce(c.acquisition_channel, f.first_day_channel) AS acquisition_channel,
       coalesce(c.region, f.first_region) AS region,
       f.first_date, f.first_channel, f.first_region,
       c.referred_by
FROM (SELECT customer_id, first_date, first_channel, first_region, first_day_channel
      FROM customer_firsts WHERE dataset = ds) f
FULL JOIN (SELECT customer_id, any_value(acquisition_channel) AS acquisition_channel, any_value(region) AS region,
                  any_value(nullif(trim(referred_by), '')) AS referred_by
           FROM customers WHERE dataset = ds GROUP BY customer_id) c USING (customer_id);
