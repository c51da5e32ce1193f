"""The batch example: double the numbers 0 to 9, print them, and end.

A finite dataflow, for batch mode (batch: true), where the processes run as
an Indexed Job that completes when the dataflow ends. Written for Bytewax
0.21 (the component's default image). Run it locally with
`python -m bytewax.run batch.py`.
"""

import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.testing import TestingSource


def double(x):
    return x * 2


flow = Dataflow("batch")
numbers = op.input("inp", flow, TestingSource(range(10)))
doubled = op.map("double", numbers, double)
op.output("out", doubled, StdOutSink())
