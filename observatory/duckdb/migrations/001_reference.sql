-- Reference geography, reloaded from the embedded files at every build so a
-- snapshot always carries the geography its figures were computed with.
CREATE TABLE regions (
    code       VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    zone       VARCHAR NOT NULL,
    population BIGINT  NOT NULL
);

CREATE TABLE departements (
    code       VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    region     VARCHAR NOT NULL,
    zone       VARCHAR NOT NULL,
    population BIGINT  NOT NULL
);

CREATE TABLE communes (
    code        VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    departement VARCHAR NOT NULL,
    region      VARCHAR NOT NULL,
    population  BIGINT,
    postcodes   VARCHAR[],
    lat         DOUBLE,
    lon         DOUBLE
);
