-- Programmes of the digital training offer beside the GEN label: one row
-- per programme whose formations the snapshot holds ('gen' from the
-- catalogue ingest, the others from offer ingests), with its provenance.
CREATE TABLE programmes (
    id         VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL, -- 'catalogue' (gen) or 'offer'
    title_fr   VARCHAR NOT NULL,
    title_en   VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    source_url VARCHAR,
    licence    VARCHAR NOT NULL,
    date       DATE,             -- the date of the list; NULL for gen, whose formations carry their labelling dates
    synthetic  BOOLEAN NOT NULL,
    files      VARCHAR[] NOT NULL,
    sha256     VARCHAR[] NOT NULL,
    snapshot   VARCHAR NOT NULL  -- the run that loaded it
);

-- What an offer list gives that the GEN catalogue does not: the
-- establishment's identifier (UAI), the diploma type, the date of the list
-- (an offer's formations count from then on: they have no labelling
-- date), and where the point comes from ('commune-centroid' when the list
-- gives no coordinates).
ALTER TABLE formations ADD COLUMN structure_id VARCHAR;
ALTER TABLE formations ADD COLUMN diploma VARCHAR;
ALTER TABLE formations ADD COLUMN listed_on DATE;
ALTER TABLE formations ADD COLUMN point_rule VARCHAR;

-- Provenance by programme, so that an offer run replaces its own rows
-- only; NULL for the kinds that are no programme's (bmo) and for gen
-- (kind 'catalogue' says it).
ALTER TABLE inputs ADD COLUMN programme VARCHAR;
ALTER TABLE inputs ADD COLUMN rows_set_aside INTEGER DEFAULT 0;
ALTER TABLE quarantine ADD COLUMN programme VARCHAR;
ALTER TABLE repairs ADD COLUMN programme VARCHAR;
ALTER TABLE input_columns ADD COLUMN programme VARCHAR;

-- Rows of offer inputs left out because the referential does not
-- recognise a digital course in them, with the rule that decided: rows
-- read = loaded + set aside + quarantined.
CREATE TABLE set_aside (
    programme    VARCHAR NOT NULL,
    file         VARCHAR NOT NULL,
    sheet        VARCHAR,
    "row"        INTEGER NOT NULL,
    title        VARCHAR NOT NULL,
    diploma      VARCHAR,
    structure    VARCHAR,
    commune_code VARCHAR,
    rule         VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL
);
