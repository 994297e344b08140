-- Which snapshot each one was built from, so a diff compares a snapshot
-- with the data it replaced even after older ones were pruned; NULL for
-- the first snapshot of a data directory.
ALTER TABLE snapshot_info ADD COLUMN parent VARCHAR;

-- What the run that built the snapshot said: notes (how it read the files)
-- and warnings (what to look at), in the order it said them. Not carried
-- over: each snapshot keeps its own run's.
CREATE TABLE run_notes (
    level    VARCHAR NOT NULL, -- 'note' or 'warning'
    position INTEGER NOT NULL,
    text     VARCHAR NOT NULL
);
