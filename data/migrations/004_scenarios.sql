-- 004: budget what-if scenarios a manager saved, per dataset (the Budget and Scenarios pages).
-- payload = JSON {"allocation": {lever id: annual yuan}, "overrides": [{lever, top, alpha, kappa}],
-- "total": yuan, "exact": bool}; the projections are recomputed from it with the current model.
CREATE TABLE budget_scenarios (
    dataset     VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    notes       VARCHAR NOT NULL,
    payload     VARCHAR NOT NULL,
    saved_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, name)
);
