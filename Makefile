# The project's commands. Every target builds the pinned tools it needs on
# first use (cached outside the clone; a cold build takes 20-40 minutes).
STACK ?= dev
# REAL=1: the local cluster gets a real node, and up, preview and refresh run
# the stack's processes there as real Bytewax (root only; docs/real-node.md).
REAL ?= 0
export BYTEWAX_REAL_NODE := $(REAL)

.PHONY: up preview refresh destroy down status logs test unit e2e bench tools cluster-up cluster-down

## up: deploy $(STACK); starts the local cluster when no cluster is reachable (REAL=1: on its real node)
up:
	scripts/stack.sh up $(STACK)

## preview: show what up would change
preview:
	scripts/stack.sh preview $(STACK)

refresh:
	scripts/stack.sh refresh $(STACK)

## destroy: delete the stack's resources
destroy:
	scripts/stack.sh destroy $(STACK)

## status: each dataflow's processes, revision, rollout, claims and warnings
status:
	scripts/stack.sh status $(STACK)

## logs: the logs of every process of DATAFLOW (FOLLOW=1 follows them)
logs:
	FOLLOW=$(FOLLOW) scripts/stack.sh logs $(STACK) $(DATAFLOW)

## down: destroy the stack and stop the local cluster
down:
	scripts/stack.sh down $(STACK)

## test: every test, unit and end-to-end on the local cluster and its real node (needs root)
test:
	scripts/test.sh

## unit: the unit tests alone (Pulumi mocks, no cluster), the example module's included
unit:
	go vet ./...
	go test ./...
	cd examples/platform && go vet ./... && go test ./...

## e2e: the end-to-end suite alone
e2e:
	scripts/test.sh e2e

## bench: measure deployments and write BENCHMARKS.md
bench:
	scripts/bench.sh

tools:
	scripts/tools.sh

cluster-up:
	scripts/cluster.sh up

cluster-down:
	scripts/cluster.sh down
