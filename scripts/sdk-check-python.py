"""Runs a Pulumi Python program using the bytewax SDK under Pulumi's mocks,
and checks the properties the SDK sends for each dataflow: the schema's
names (createNamespace, not create_namespace) and the program's values.

Usage: python scripts/sdk-check-python.py PROGRAM_FOLDER
"""

import os
import runpy
import sys

import pulumi

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


mocks = Mocks()
pulumi.runtime.set_mocks(mocks, project="bytewax-python", stack="check", preview=False)
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
    env, secret = reveal(counter["env"])
    assert secret, "the token is sent as a secret"
    assert env[0]["name"] == "API_TOKEN" and reveal(env[0]["value"])[0] == "t0ken", env
    assert counter["resources"]["requests"]["cpu"] == "250m", counter["resources"]
    typ, doubler = mocks.created["doubler"]
    assert typ == DATAFLOW and doubler["pythonFile"] == "doubler.py:flow", doubler
    print("sdk-check: the Python SDK sent", sorted(counter))


check()
