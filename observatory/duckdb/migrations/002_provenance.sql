-- What a snapshot is made of. inputs, quarantine and repairs are carried
-- from one snapshot to the next for the kinds a run does not replace, so
-- every snapshot tells the whole story of its data.
CREATE TABLE snapshot_info (
    id      VARCHAR PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    version VARCHAR NOT NULL
);

CREATE TABLE inputs (
    kind             VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    size             BIGINT  NOT NULL,
    sha256           VARCHAR NOT NULL,
    synthetic        BOOLEAN NOT NULL,
    snapshot         VARCHAR NOT NULL,
    ingested         TIMESTAMPTZ NOT NULL,
    rows_read        INTEGER NOT NULL,
    rows_loaded      INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    rows_repaired    INTEGER NOT NULL
);

CREATE TABLE quarantine (
    kind     VARCHAR NOT NULL,
    file     VARCHAR NOT NULL,
    sheet    VARCHAR,
    "row"    INTEGER NOT NULL,
    "column" VARCHAR,
    value    VARCHAR,
    reason   VARCHAR NOT NULL
);

CREATE TABLE repairs (
    kind     VARCHAR NOT NULL,
    file     VARCHAR NOT NULL,
    sheet    VARCHAR,
    "row"    INTEGER NOT NULL,
    "column" VARCHAR NOT NULL,
    was      VARCHAR,
    now      VARCHAR,
    reason   VARCHAR NOT NULL
);
