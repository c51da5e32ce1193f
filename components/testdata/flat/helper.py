import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.testing import TestingSource

flow = Dataflow("flat")
op.output("out", op.input("inp", flow, TestingSource(range(3))), StdOutSink())
