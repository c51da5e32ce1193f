"""The example dataflow: double each number, subtract one, wrap it in
<dance>, and print it.

Written for Bytewax 0.21 (the component's default image). Run it locally with
`python -m bytewax.run basic.py`; on Kubernetes, every process of the cluster
runs this same file and Bytewax splits the work between them.
"""

import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.testing import TestingSource


def double(x):
    return x * 2


def minus_one(x):
    return x - 1


def stringy(x):
    return f"<dance>{x}</dance>"


flow = Dataflow("basic")
numbers = op.input("inp", flow, TestingSource(range(10)))
doubled = op.map("double", numbers, double)
decremented = op.map("minus_one", doubled, minus_one)
dancing = op.map("stringy", decremented, stringy)
op.output("out", dancing, StdOutSink())
