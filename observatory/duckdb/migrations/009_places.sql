-- Bassins d'emploi of the reference geography (outlines dissolved from
-- their communes), and each commune's bassin, so SQL sums the offer by
-- bassin as by département.
CREATE TABLE bassins (
    code         VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    departement  VARCHAR NOT NULL, -- the main one: a bassin may span several
    departements VARCHAR[] NOT NULL,
    region       VARCHAR NOT NULL,
    zone         VARCHAR NOT NULL,
    population   BIGINT  NOT NULL
);
ALTER TABLE communes ADD COLUMN bassin VARCHAR;

-- Where each formation is at the finest levels, and the training
-- programme it belongs to ('gen' for the GEN label; other programmes are
-- ingested beside it). The bassin is set from the commune when the
-- snapshot is committed.
ALTER TABLE formations ADD COLUMN bassin VARCHAR;
ALTER TABLE formations ADD COLUMN programme VARCHAR DEFAULT 'gen'; -- DuckDB cannot add a NOT NULL column; the loader always sets it
