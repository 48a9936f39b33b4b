-- 003: optional channel-territory assignments (渠道授权区域). A channel listed here may sell only in
-- its regions; sales elsewhere are out-of-territory (窜货). Channels not listed are not judged.
CREATE TABLE channel_territories (
    dataset VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    region  VARCHAR NOT NULL
);
