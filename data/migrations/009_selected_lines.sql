-- 009: the one definition of "the selected lines" that every query in metrics/sql reads, so the
-- sidebar's filter and net revenue (METRICS.md "Revenue") are written once instead of per query.
--   is_selected(choices, value): a sidebar list picks value; an empty list means "all".
--   dataset_lines(ds): every line of dataset ds, all columns of order_lines, plus
--                      net_revenue = revenue − refund (a NULL refund is no refund).
--   in_selection(d0, d1, chans, regs, day, chan, reg): the sidebar's selection as one condition on a
--                      row's day, channel and region (the rollups of 013 apply it too).
--   selected_lines(ds, d0, d1, chans, regs): the lines of dataset_lines(ds) dated d0..d1
--                      (inclusive) whose channel is in chans and region in regs (empty = all).
-- Macros are expanded into the calling query before it is planned: the filters reach the scan of
-- order_lines as if written there (zone maps on order_date still skip row groups, a one-item list
-- becomes an equality), columns a query does not use are not read, and net_revenue costs nothing
-- where it is not used. Arguments may be bound parameters ($start) or expressions ($end - 30).
CREATE MACRO is_selected(choices, value) AS len(choices) = 0 OR list_contains(choices, value);

CREATE MACRO dataset_lines(ds) AS TABLE
SELECT *, revenue - coalesce(refund, 0) AS net_revenue
FROM order_lines
WHERE dataset = ds;

CREATE MACRO in_selection(d0, d1, chans, regs, day, chan, reg) AS
day BETWEEN d0 AND d1 AND is_selected(chans, chan) AND is_selected(regs, reg);

CREATE MACRO selected_lines(ds, d0, d1, chans, regs) AS TABLE
SELECT *
FROM dataset_lines(ds)
WHERE in_selection(d0, d1, chans, regs, order_date, channel, region);
