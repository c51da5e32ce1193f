"""A stateful dataflow for the real node's recovery and crash tests: a
running count per key over a partitioned input that resumes where its
snapshot says.

Each of three partitions emits the indexes 0, 1, 2, ... ten a second, the
key of index i being p<partition>-k<i % 3>. In any uninterrupted run the
count of a key at index i is therefore i // 3 + 1: a count that differs
shows state that does not match the input's position, such as state lost
while the input resumed, or the input replayed from the start onto kept
state.

Each worker writes one line per item, "<partition> <index> <key> <count>",
to its standard output and, with recovery, appends it to a file of its own
beside the recovery partitions, after a "start" line at each start: the
test reads every run's output there across restarts. A worker that finds
/tmp/crash removes it and raises, which crashes its process.
"""

import os
from datetime import datetime, timedelta, timezone

import bytewax.operators as op
from bytewax.dataflow import Dataflow
from bytewax.inputs import FixedPartitionedSource, StatefulSourcePartition
from bytewax.outputs import DynamicSink, StatelessSinkPartition

PARTITIONS = ["p0", "p1", "p2"]
INTERVAL = timedelta(milliseconds=100)
CRASH_MARKER = "/tmp/crash"


class Counting(StatefulSourcePartition):
    def __init__(self, partition, resume_at):
        self._partition = partition
        self._next = resume_at
        self._awake = datetime.now(timezone.utc)

    def next_batch(self):
        self._awake = datetime.now(timezone.utc) + INTERVAL
        index = self._next
        self._next += 1
        return [(f"{self._partition}-k{index % 3}", (self._partition, index))]

    def next_awake(self):
        return self._awake

    def snapshot(self):
        return self._next


class CountingSource(FixedPartitionedSource):
    def list_parts(self):
        return PARTITIONS

    def build_part(self, step_id, for_part, resume_state):
        return Counting(for_part, resume_state or 0)


def count(state, item):
    if os.path.exists(CRASH_MARKER):
        os.remove(CRASH_MARKER)
        raise RuntimeError("the crash marker was found")
    partition, index = item
    total = (state or 0) + 1
    return total, (partition, index, total)


class Lines(StatelessSinkPartition):
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8") if path else None
        self._write(["start"])

    def _write(self, lines):
        text = "".join(line + "\n" for line in lines)
        print(text, end="", flush=True)
        if self._file:
            self._file.write(text)
            self._file.flush()
            os.fsync(self._file.fileno())

    def write_batch(self, items):
        self._write([f"{p} {i} {key} {n}" for key, (p, i, n) in items])

    def close(self):
        if self._file:
            self._file.close()


class LinesSink(DynamicSink):
    def build(self, step_id, worker_index, worker_count):
        folder = os.environ.get("BYTEWAX_RECOVERY_DIRECTORY")
        pod = os.environ.get("BYTEWAX_POD_NAME", "local")
        path = os.path.join(folder, f"e2e-output-{pod}-{worker_index}.log") if folder else None
        return Lines(path)


flow = Dataflow("counting")
items = op.input("inp", flow, CountingSource())
counts = op.stateful_map("count", items, count)
op.output("out", counts, LinesSink())
