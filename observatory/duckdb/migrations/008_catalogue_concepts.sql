-- How each formation's wave was obtained: 'file' (as the file gives it),
-- 'derived' (no wave in the file: the campaign of its labelling date),
-- 'repaired' (the file's wave fitted no campaign; see repairs); NULL when
-- the formation has no wave.
ALTER TABLE formations ADD COLUMN wave_rule VARCHAR;

-- Which column of each input held each concept the observatory reads
-- (learners, women, labelling date…), header NULL when the input lacks it.
-- Carried over with inputs, so the next run can say what a new file lacks.
CREATE TABLE input_columns (
    kind     VARCHAR NOT NULL,
    file     VARCHAR NOT NULL,
    concept  VARCHAR NOT NULL,
    header   VARCHAR,
    required BOOLEAN NOT NULL,
    snapshot VARCHAR NOT NULL -- the run that read the input
);
