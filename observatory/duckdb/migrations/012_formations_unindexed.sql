-- formations.id loses its PRIMARY KEY. DuckDB keeps a primary key's index
-- (an ART) in memory and updates it row by row as a load appends: at a
-- million formations it cost about 150 MB of an ingest's peak and half its
-- time, over the 400 MB an ingest may take. Ids stay unique: the ingest
-- quarantines a duplicate id ("duplicate of row N") before the load, and
-- Builder.Commit refuses a snapshot where one would remain. A lookup by id
-- scans the column, a few milliseconds at a million rows.
-- The table is empty when migrations run (snapshots are built from
-- scratch), so it is made anew with the same columns in the same order;
-- programme can now be NOT NULL.
DROP TABLE formations;
CREATE TABLE formations (
    id              VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    structure       VARCHAR NOT NULL,
    postcode        VARCHAR,
    commune_code    VARCHAR,
    commune         VARCHAR,
    departement     VARCHAR NOT NULL,
    region          VARCHAR NOT NULL,
    lat             DOUBLE,
    lon             DOUBLE,
    rome            VARCHAR[] NOT NULL,
    family          VARCHAR,
    duration_months DOUBLE,
    labelled_on     DATE,
    wave            INTEGER,
    label_end       DATE,
    seats           INTEGER,
    sessions        INTEGER,
    learners        INTEGER,
    women           INTEGER,
    low_qualified   INTEGER,
    qpv             INTEGER,
    synthetic       BOOLEAN NOT NULL,
    source          VARCHAR NOT NULL,
    source_row      INTEGER NOT NULL,
    family_rule     VARCHAR,
    family_given    VARCHAR,
    family_note     VARCHAR,
    wave_rule       VARCHAR,
    bassin          VARCHAR,
    programme       VARCHAR NOT NULL DEFAULT 'gen',
    structure_id    VARCHAR,
    diploma         VARCHAR,
    listed_on       DATE,
    point_rule      VARCHAR
);
