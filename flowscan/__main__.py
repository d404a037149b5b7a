"""``python -m flowscan``: the same command line as ``flowscan``."""

from .cli import main

main(prog_name="flowscan")
