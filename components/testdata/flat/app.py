from helper import flow  # noqa: F401
