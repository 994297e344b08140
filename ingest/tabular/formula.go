package tabular

// FormulaCell is a cell holding a formula but no computed (cached) value,
// as written by programs that do not calculate: it comes out as "" in
// Values, and the record lists it here so that the caller can quarantine
// the row or note it.
type FormulaCell struct {
	Column  string // header text of the column, or "column F" where it has none
	Key     string // the schema key of the column, "" when the schema does not map it
	Formula string // as written, without "=", cut to 200 bytes; "" for the other cells of a shared formula
}

// rawFormula is a formula cell without a value, by 0-based cell index.
type rawFormula struct {
	col     int
	formula string
}

const maxFormulaText = 200

// cellColumn returns the 0-based column of a cell reference ("C12" -> 2).
func cellColumn(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && i < 3; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || col > maxCSVCells || (i < len(ref) && ref[i]|0x20 >= 'a' && ref[i]|0x20 <= 'z') {
		return 0, false
	}
	return col - 1, true
}
