"""Payments: convert each payment to the settlement currency and print it.

Written for Bytewax 0.21. The platform ships this folder from disk; run it
locally with `python -m bytewax.run payments.py`. On the cluster, the
payments-settings ConfigMap sets SETTLEMENT_CURRENCY and the rates.
"""

import os

import bytewax.operators as op
from bytewax.connectors.stdio import StdOutSink
from bytewax.dataflow import Dataflow
from bytewax.testing import TestingSource

CURRENCY = os.environ.get("SETTLEMENT_CURRENCY", "EUR")
RATES = {"EUR": 1.0, "USD": float(os.environ.get("USD_RATE", "0.92"))}

PAYMENTS = [("p-1", 20.0, "EUR"), ("p-2", 35.5, "USD"), ("p-3", 8.25, "EUR")]


def settle(payment):
    payment_id, amount, currency = payment
    return f"{payment_id}: {amount * RATES[currency] / RATES[CURRENCY]:.2f} {CURRENCY}"


flow = Dataflow("payments")
payments = op.input("payments", flow, TestingSource(PAYMENTS))
op.output("out", op.map("settle", payments, settle), StdOutSink())
