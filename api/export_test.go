package api

// FormationTable is formationTable, for the tests that hold the store's
// own lines to the row-by-row writers.
var FormationTable = formationTable
