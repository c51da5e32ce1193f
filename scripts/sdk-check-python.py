"""Runs a Pulumi Python program using the bytewax SDK under Pulumi's mocks,
and checks the properties the SDK sends for each dataflow: the schema's
names (createNamespace, not create_namespace) and the program's values.

Usage: python scripts/sdk-check-python.py PROGRAM_FOLDER
"""

import os
import runpy
import sys

import pulumi
from google.protobuf import json_format
from pulumi.runtime.mocks import MockMonitor

DATAFLOW = "bytewax:index:BytewaxDataflow"
# How the mocks' inputs mark a secret value: {SECRET: SECRET_VALUE, "value": v}.
SECRET, SECRET_VALUE = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"


def reveal(value):
    """The value inside a secret, and whether it was one."""
    if isinstance(value, dict) and value.get(SECRET) == SECRET_VALUE:
        return value["value"], True
    return value, False


class Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.created = {}

    def new_resource(self, args):
        self.created[args.name] = (args.typ, args.inputs)
        return [args.name + "-id", args.inputs]

    def call(self, args):
        return {}


class RecordingMonitor(MockMonitor):
    """Keeps each registration's properties as the SDK sent them, before
    the mocks' deserializing moves a nested secret up to its list."""

    def __init__(self, mocks):
        super().__init__(mocks)
        self.sent = {}

    def RegisterResource(self, request):
        self.sent[request.name] = json_format.MessageToDict(request.object)
        return super().RegisterResource(request)


mocks = Mocks()
monitor = RecordingMonitor(mocks)
pulumi.runtime.set_mocks(mocks, project="bytewax-python", stack="check", preview=False, monitor=monitor)
pulumi.runtime.set_all_config({"bytewax-python:apiToken": "t0ken"}, ["bytewax-python:apiToken"])


@pulumi.runtime.test
def check():
    os.chdir(sys.argv[1])
    program = runpy.run_path("__main__.py")
    return pulumi.Output.all(program["counter"].urn, program["doubler"].urn).apply(lambda _: verify())


def verify():
    assert set(mocks.created) == {"counter", "doubler"}, mocks.created
    typ, counter = mocks.created["counter"]
    assert typ == DATAFLOW, typ
    expected = {
        "name": "counter",
        "createNamespace": True,
        "processes": 2,
        "directory": "../yaml/dataflows",
        "allowExternalDirectory": True,
        "pythonFile": "counter.py:flow",
    }
    for key, value in expected.items():
        assert counter.get(key) == value, (key, counter.get(key))
    # As sent: the list plain, its value secret, which is what the plugin
    # takes (a plain list secret as a whole is refused).
    env = monitor.sent["counter"]["env"]
    assert isinstance(env, list), ("env is sent as a plain list", env)
    assert env[0]["name"] == "API_TOKEN", env
    value, secret = reveal(env[0]["value"])
    assert secret and value == "t0ken", ("the token is sent as a secret value", env)
    assert counter["resources"]["requests"]["cpu"] == "250m", counter["resources"]
    typ, doubler = mocks.created["doubler"]
    assert typ == DATAFLOW and doubler["pythonFile"] == "doubler.py:flow", doubler
    print("sdk-check: the Python SDK sent", sorted(counter))


check()
