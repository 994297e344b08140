-- France Travail BMO surveys: hiring projects by job (FAP code), bassin
-- d'emploi and département. Secret cells ("*") are NULL, never 0. A bassin
-- can span départements, so the key includes the département.
CREATE TABLE job_demand (
    year             INTEGER NOT NULL,
    fap_edition      VARCHAR NOT NULL, -- 'FAP2009' (to 2023) or 'FAP2021' (from 2024)
    fap_code         VARCHAR NOT NULL,
    fap_label        VARCHAR,
    bmo_family       VARCHAR,
    bmo_family_label VARCHAR,
    region           VARCHAR NOT NULL,
    departement      VARCHAR NOT NULL,
    bassin           VARCHAR NOT NULL,
    bassin_name      VARCHAR,
    projects         INTEGER,
    difficult        INTEGER,
    seasonal         INTEGER,
    source           VARCHAR NOT NULL,
    source_row       INTEGER NOT NULL,
    PRIMARY KEY (year, fap_code, bassin, departement)
);
