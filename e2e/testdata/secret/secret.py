"""Prints a digest of the E2E_SECRET variable, never its value, then counts
up once a second, forever: a check that a secret reaches the process."""

import hashlib
import os
from datetime import timedelta

import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.inputs import SimplePollingSource

secret = os.environ.get("E2E_SECRET", "")
print("E2E_SECRET sha256:", hashlib.sha256(secret.encode()).hexdigest(), flush=True)


class Counter(SimplePollingSource):
    def __init__(self):
        super().__init__(interval=timedelta(seconds=1))
        self._last = 0

    def next_item(self):
        self._last += 1
        return self._last


flow = Dataflow("secret")
op.output("out", op.input("inp", flow, Counter()), StdOutSink())
