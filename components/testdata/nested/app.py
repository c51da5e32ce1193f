from lib.util import flow  # noqa: F401
