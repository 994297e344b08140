-- The digital-jobs referential in full (datasets/metiers): family rank and
-- descriptions, the scope and note of each code, the documents cited and
-- the title rules; and, on each formation, how it was attached to its
-- family. Every (scheme, code) belongs to one family only, so sums by
-- family never count a code twice; scope 'partial' marks codes that also
-- cover jobs outside the digital field.
ALTER TABLE metiers ADD COLUMN rank INTEGER;
ALTER TABLE metiers ADD COLUMN description_fr VARCHAR;
ALTER TABLE metiers ADD COLUMN description_en VARCHAR;
ALTER TABLE metiers ADD COLUMN aliases VARCHAR[]; -- names a source may give the family

ALTER TABLE metier_codes ADD COLUMN scope VARCHAR; -- 'core' or 'partial'
ALTER TABLE metier_codes ADD COLUMN note VARCHAR;

CREATE TABLE metier_sources (
    id       VARCHAR PRIMARY KEY,
    title    VARCHAR NOT NULL,
    producer VARCHAR NOT NULL,
    file     VARCHAR NOT NULL,
    licence  VARCHAR NOT NULL,
    note     VARCHAR
);

CREATE TABLE metier_title_rules (
    rank     INTEGER PRIMARY KEY,
    family   VARCHAR NOT NULL,
    keywords VARCHAR[] NOT NULL,
    note     VARCHAR
);

-- family_rule: 'rome', 'title', 'source', 'source-disputed', NULL when the
-- formation is not attached; family_given: the source's value as written;
-- family_note: what the ingest reported about it.
ALTER TABLE formations ADD COLUMN family_rule VARCHAR;
ALTER TABLE formations ADD COLUMN family_given VARCHAR;
ALTER TABLE formations ADD COLUMN family_note VARCHAR;
