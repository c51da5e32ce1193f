"""The example dataflow: count up once a second, forever; spread the numbers
over every worker of the cluster; double each, subtract one, wrap it in
<dance>, and print it. Each process prints its own share, so the logs of
every process show that it joined the cluster.

It is a stream: it runs until it is stopped, so its pods stay Ready while
it runs (the readiness probe asks Bytewax's dataflow API, which answers only
while the dataflow runs). Written for Bytewax 0.21 (the component's default
image). Run it locally with `python -m bytewax.run basic.py`; on Kubernetes,
every process of the cluster runs this same file and Bytewax splits the work
between them.
"""

from datetime import timedelta

import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.inputs import SimplePollingSource


class Counter(SimplePollingSource):
    """Emits 1, 2, 3, ... one number a second."""

    def __init__(self):
        super().__init__(interval=timedelta(seconds=1))
        self._last = 0

    def next_item(self):
        self._last += 1
        return self._last


def double(x):
    return x * 2


def minus_one(x):
    return x - 1


def stringy(x):
    return f"<dance>{x}</dance>"


flow = Dataflow("basic")
numbers = op.input("inp", flow, Counter())
# The counter is one partition, read by one worker; redistribute hands the
# numbers to all of them.
spread = op.redistribute("spread", numbers)
doubled = op.map("double", spread, double)
decremented = op.map("minus_one", doubled, minus_one)
dancing = op.map("stringy", decremented, stringy)
op.output("out", dancing, StdOutSink())
