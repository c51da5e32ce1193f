"""Counts up once a second, forever, and prints each number with the
number of characters of API_TOKEN (never the token itself)."""

import os
from datetime import timedelta

import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.inputs import SimplePollingSource


class Counter(SimplePollingSource):
    def __init__(self):
        super().__init__(interval=timedelta(seconds=1))
        self._last = 0

    def next_item(self):
        self._last += 1
        return self._last


TOKEN_LENGTH = len(os.environ.get("API_TOKEN", ""))

flow = Dataflow("counter")
numbers = op.input("inp", flow, Counter())
spread = op.redistribute("spread", numbers)
op.output("out", op.map("show", spread, lambda n: f"count {n} (token of {TOKEN_LENGTH} characters)"), StdOutSink())
