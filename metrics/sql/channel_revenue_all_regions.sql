-- Revenue per channel in [start, end] over all regions: the denominator that prorates national
-- channel costs to a region filter. Grain: one row per channel. Money in the dataset's currency.
SELECT channel, sum(revenue - coalesce(refund, 0)) AS revenue
FROM order_lines
WHERE dataset = $dataset
  AND order_date BETWEEN $start AND $end
  AND (len($channels) = 0 OR list_contains($channels, channel))
GROUP BY channel
