"""Orders: total each order's lines and print the orders worth 100 or more.

Written for Bytewax 0.21. The platform embeds this folder in its program
binary; run it locally with `python -m bytewax.run orders.py:flow`. The
cluster gives it KAFKA_PASSWORD, which the production source would log in
with; this sample reads fixed orders instead.
"""

import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.testing import TestingSource

ORDERS = [
    {"id": "o-1", "lines": [("keyboard", 1, 89.0), ("cable", 2, 9.5)]},
    {"id": "o-2", "lines": [("mug", 2, 12.0)]},
    {"id": "o-3", "lines": [("monitor", 1, 249.0)]},
]


def total(order):
    return order["id"], sum(quantity * price for _, quantity, price in order["lines"])


def is_large(order_total):
    return order_total[1] >= 100


def describe(order_total):
    order_id, amount = order_total
    return f"{order_id}: {amount:.2f}"


flow = Dataflow("orders")
orders = op.input("orders", flow, TestingSource(ORDERS))
totals = op.map("total", orders, total)
large = op.filter("large", totals, is_large)
op.output("out", op.map("describe", large, describe), StdOutSink())
