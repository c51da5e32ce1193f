# The project's commands; `make help` lists them, and `make` alone is
# `make up`. Every target builds the pinned tools it needs on first use
# (cached outside the clone; a cold build takes 20-40 minutes).
#
# STACK picks the stack of up, preview, refresh, destroy, status, logs and
# down (dev by default). The other targets work on the whole project, and
# say so when given STACK on the command line.
STACK ?= dev
# REAL=1: the local cluster gets a real node, and up, preview and refresh run
# the stack's processes there as real Bytewax (root only; docs/real-node.md).
REAL ?= 0
export BYTEWAX_REAL_NODE := $(REAL)
# FOLLOW=1 (or true) makes logs follow; 0 (or false) does not.
FOLLOW ?= 0

# Said first by the targets that take no stack, when STACK is given.
no_stack = $(if $(filter command line,$(origin STACK)),@echo "make $@: STACK=$(STACK) is not used: $@ works on the whole project and not on one stack" >&2)

.PHONY: help up preview refresh destroy down status logs test unit e2e docs sdk bench tools plugin cluster-up cluster-down

## up: deploy STACK; starts the local cluster when no cluster is reachable (REAL=1: on its real node)
up:
	scripts/stack.sh up $(STACK)

## preview: show what up would change to STACK
preview:
	scripts/stack.sh preview $(STACK)

## refresh: read the cluster's state into STACK
refresh:
	scripts/stack.sh refresh $(STACK)

## destroy: delete the resources of STACK
destroy:
	scripts/stack.sh destroy $(STACK)

## status: each dataflow of STACK: its processes, revision, rollout, claims and warnings
status:
	scripts/stack.sh status $(STACK)

## logs: the logs of every process of DATAFLOW in STACK (FOLLOW=1 follows them)
logs:
	FOLLOW=$(FOLLOW) scripts/stack.sh logs $(STACK) $(DATAFLOW)

## down: destroy STACK and stop the local cluster
down:
	scripts/stack.sh down $(STACK)

## test: every test: gofmt, vet, the unit tests, the SDKs regenerated and built, kube-score on every stack file, and the end-to-end suite on the local cluster and its real node (needs root)
test:
	$(no_stack)
	scripts/test.sh

## unit: the unit tests alone (Pulumi mocks, no cluster), the example's and the plugin's modules included
unit:
	$(no_stack)
	go vet ./...
	go test ./...
	cd examples/platform && go vet ./... && go test ./...
	cd provider && go vet ./... && go test ./...

## e2e: the end-to-end suite alone (./e2e), on the local cluster and its real node (needs root)
e2e:
	$(no_stack)
	scripts/test.sh e2e

## docs: generate docs/configuration.md from Pulumi.yaml and docs/configuration.groups.yaml
docs:
	$(no_stack)
	go run ./cmd/configdoc

## sdk: regenerate the schema and the TypeScript and Python SDKs in sdk/ from the plugin (docs/typescript.md, docs/python.md)
sdk:
	$(no_stack)
	scripts/sdk.sh

## bench: measure deployments and write BENCHMARKS.md
bench:
	$(no_stack)
	scripts/bench.sh

## tools: build the pinned Pulumi CLI and its YAML language host, the Kubernetes provider plugin and the local control plane
tools:
	$(no_stack)
	scripts/tools.sh

## plugin: build the bytewax resource plugin and install it into Pulumi's plugin cache, for programs in other languages (docs/yaml.md)
plugin:
	$(no_stack)
	scripts/plugin.sh

## cluster-up: start the local cluster
cluster-up:
	$(no_stack)
	scripts/cluster.sh up

## cluster-down: stop the local cluster
cluster-down:
	$(no_stack)
	scripts/cluster.sh down

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)
