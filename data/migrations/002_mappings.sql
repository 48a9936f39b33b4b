-- 002: column mappings a user confirmed, offered again when a file with the same headers comes.
-- header_key = JSON list of the file's normalised headers, sorted; mapping = JSON {field: column}.
CREATE TABLE ingest_mappings (
    kind        VARCHAR NOT NULL,            -- orders | channel_costs | crm_spend | customers
    header_key  VARCHAR NOT NULL,
    mapping     VARCHAR NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, header_key)
);
