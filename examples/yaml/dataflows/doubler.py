"""Doubles 1, 2, 3, ... once a second, forever, and prints each result."""

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


flow = Dataflow("doubler")
numbers = op.input("inp", flow, Counter())
op.output("out", op.map("double", numbers, lambda n: f"doubled {n * 2}"), StdOutSink())
