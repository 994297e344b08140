-- The reference map of digital jobs: GEN job families, and the ROME and FAP
-- codes that belong to each, with the source of every mapping.
CREATE TABLE metiers (
    family     VARCHAR PRIMARY KEY,
    label_fr   VARCHAR NOT NULL,
    label_en   VARCHAR NOT NULL
);

CREATE TABLE metier_codes (
    family  VARCHAR NOT NULL,
    scheme  VARCHAR NOT NULL, -- 'ROME4', 'ROME3', 'FAP2009', 'FAP2021'
    code    VARCHAR NOT NULL,
    label   VARCHAR,
    source  VARCHAR NOT NULL,
    PRIMARY KEY (family, scheme, code)
);
