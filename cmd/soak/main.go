// Command soak is the start of the fault and load suite (issue 16, item 7).
// For now it writes the big synthetic catalogues the memory measurements
// use:
//
//	go run ./cmd/soak gen DIR ROWS csv|xlsx
//
// The kill -9 points and the hot-swap load run are still to be written.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) == 5 && os.Args[1] == "gen" {
		n, err := strconv.Atoi(os.Args[3])
		if err != nil || n < 0 {
			fmt.Fprintln(os.Stderr, "soak gen: ROWS must be a number of rows")
			os.Exit(2)
		}
		p, err := genCatalogue(os.Args[2], n, os.Args[4])
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak gen:", err)
			os.Exit(1)
		}
		fmt.Println(p)
		return
	}
	fmt.Fprintln(os.Stderr, "usage: soak gen DIR ROWS csv|xlsx")
	os.Exit(2)
}
