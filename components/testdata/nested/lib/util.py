import bytewax.operators as op
from bytewax.connectors.files import FileSource
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow

flow = Dataflow("nested")
op.output("out", op.input("inp", flow, FileSource("data/input.csv")), StdOutSink())
