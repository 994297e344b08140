# The two commands a newcomer needs: `make run` and `make test`.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/observatory
ADDR    ?= :8080
DATA    ?= data

.PHONY: all build run test bench lint fmt clean generate

all: build

build:
	go build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/observatory

# Serves the embedded default data on http://localhost:8080 (builds the first
# snapshot into ./data on first start).
run: build
	./$(BIN) serve --addr $(ADDR) --data $(DATA)

test:
	go vet ./...
	go test -race -count=1 ./...

bench:
	go test -run '^$$' -bench . -benchmem -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	go vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Regenerates the embedded reference geography from ../shared/data/raw/geo.
generate:
	go generate ./datasets/...

clean:
	rm -rf bin
