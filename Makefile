# The two commands a newcomer needs: `make run` and `make test`.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/observatory
ADDR    ?= :8080
DATA    ?= data

.PHONY: all build run test bench bench-scale bench-http fuzz soak lint fmt clean generate

all: build

build:
	go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/observatory

# Serves the embedded default data on http://localhost:8080 (builds the first
# snapshot into ./data on first start).
run: build
	./$(BIN) serve --addr $(ADDR) --data $(DATA)

# lint runs go vet: the tests need not run it again.
test: lint
	go test -race -count=1 -timeout 25m ./...

# The fault and load suite (cmd/soak): kill -9 at six points of an ingest
# and of an upload, then a hot-swap run; prints its figures, fails on any
# lost data, failed request or mixed answer. Not part of make test.
soak: build
	go run ./cmd/soak -bin $(BIN)

bench:
	go test -run '^$$' -bench . -benchmem -count=1 ./...

# How the costs grow with the catalogue: a synthetic catalogue of 10,000,
# 100,000 and 1,000,000 formations spread over every commune (generated in
# the run, deterministic, flagged synthetic), each request timed uncached
# and cached; docs/performance.md keeps the table. About 10 minutes.
SCALE_ROWS ?= 10000,100000,1000000
bench-scale:
	SCALE_ROWS=$(SCALE_ROWS) go test -run '^$$' -bench '^BenchmarkScale$$' -benchtime 1x -benchmem -timeout 60m ./api/

# Load test of the running server against a static-file ceiling (the same
# bytes from Go's http.FileServer, and nginx when installed), with wrk, hey
# or the built-in vegeta; docs/performance.md says how to read it. Takes a
# while (about 30 min at the defaults, 15 with -duration 5s); not part of
# test. For example:
#   make bench-http BENCH_HTTP_FLAGS='-duration 5s -out docs/performance.md -section latest'
BENCH_HTTP_FLAGS ?=
bench-http: build
	go run ./cmd/benchhttp -bin $(BIN) $(BENCH_HTTP_FLAGS)

# Runs every fuzz target (func Fuzz* in any package) for FUZZTIME each and
# prints, per target, its executions and whether it crashed; fails if one
# did. A crash leaves its input under that package's testdata/fuzz/FuzzName:
# commit it, it is the regression test, and fix the code. Minimising an
# input is capped at FUZZMINIMIZE (100 executions): with Go's default of 60s
# per input, the slower targets (XLSX) spend a short run minimising their
# first finds and hardly fuzz. Go 1.26's coordinator may fail a target with
# "context deadline exceeded" at the end of -fuzztime on a loaded machine
# (golang/go#75804, fixed in 1.27): that, with no new input written, is
# reported and not counted as a crash.
FUZZTIME ?= 30s
FUZZMINIMIZE ?= 100x
fuzz:
	@list=$$(mktemp); trap 'rm -f $$list' EXIT; \
	go test -list '^Fuzz' ./... >$$list || { cat $$list; exit 1; }; \
	fail=0; \
	for target in $$(awk '/^Fuzz/ { names = names " " $$1; next } \
			/^ok/ { n = split(names, a, " "); for (i = 1; i <= n; i++) print $$2 "@" a[i]; names = "" }' $$list); do \
		pkg=$${target%@*}; name=$${target#*@}; log=$$(mktemp); \
		corpus=$$(go list -f '{{.Dir}}' $$pkg)/testdata/fuzz/$$name; before=$$(ls $$corpus 2>/dev/null | wc -l); \
		if go test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$pkg >$$log 2>&1; then status=ok; \
		elif [ "$$(ls $$corpus 2>/dev/null | wc -l)" = "$$before" ] && grep -q 'context deadline exceeded' $$log; then status='ok (deadline race, golang/go#75804: no input written)'; \
		else status=CRASHED; fail=1; fi; \
		execs=$$(grep -o 'execs: [0-9]*' $$log | tail -1 | cut -d' ' -f2); \
		printf '%-50s %-26s %12s execs  %s\n' "$$pkg" "$$name" "$${execs:-?}" "$$status"; \
		if [ "$$status" = CRASHED ]; then sed 's/^/    /' $$log; fi; \
		rm -f $$log; \
	done; \
	exit $$fail

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	go vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Regenerates the embedded reference geography from ../shared/data/raw/geo and
# the embedded BMO 2024 CSV from its workbook in datasets/source.
generate:
	go generate ./datasets/...

clean:
	rm -rf bin
