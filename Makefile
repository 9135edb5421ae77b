# synthdesk: one workspace, several modules (see go.work).
GO        ?= go
BIN       := $(CURDIR)/bin
VERSITYGW := github.com/versity/versitygw/cmd/versitygw@v1.8.0
# Every module of the workspace, as package patterns: `go test ./...` does
# not work at the root of a workspace without a root module.
PACKAGES   = $(shell $(GO) list -f '{{.Dir}}/...' -m)

.PHONY: run test docs-test faults tools vet bench build images-check clean

## run: the main job on the embedded default (in-process NATS, offline generator, local Parquet in ./out)
run:
	$(GO) run ./cmd/synthdesk run --samples 10000 --seed 1 --out ./out

## test: everything CI runs (installs the test S3 server first)
test: tools vet
	SYNTHDESK_VERSITYGW=$(BIN)/versitygw $(GO) test -count=1 -timeout 30m $(PACKAGES)

## docs-test: README's and docs/'s commands, run as scripts (cmd/synthdesk/testdata/script); make test runs them too
docs-test: tools
	SYNTHDESK_VERSITYGW=$(BIN)/versitygw $(GO) test -count=1 -run 'TestScripts|TestDocumented' ./cmd/synthdesk/

## faults: every fault scenario of test/faults at 100,000 samples (SYNTHDESK_FAULTS_SAMPLES changes the size); the summary table is also written to bin/faults.md
faults: tools
	SYNTHDESK_FAULTS=full SYNTHDESK_FAULTS_REPORT=$(BIN)/faults.md SYNTHDESK_VERSITYGW=$(BIN)/versitygw $(GO) test -count=1 -v -timeout 240m -run TestFaults ./test/faults/

## tools: the real S3 server the object-store tests run against
tools: $(BIN)/versitygw
$(BIN)/versitygw:
	GOBIN=$(BIN) $(GO) install $(VERSITYGW)

vet:
	@out=$$(gofmt -l $$($(GO) list -f '{{.Dir}}' -m)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PACKAGES)

## build: the CLI and the four services into ./bin
build:
	$(GO) build -o $(BIN)/ ./cmd/synthdesk ./services/generator ./services/classifier ./services/validator ./services/sink

## bench: the benchmarks quoted in docs/benchmarks.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1s ./pkg/rules/ ./pkg/noise/ ./pkg/llm/offline/ ./pkg/quality/ ./pkg/dataset/

clean:
	rm -rf $(BIN) ./out
