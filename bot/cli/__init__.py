"""The ``policybot`` command line (click): :mod:`bot.cli.main` is the entry point.

Importing this package caps the BLAS thread pools at one thread before numpy can be
imported: a serving process answers many small queries concurrently, and per-query
BLAS threads only contend with each other.  ``setdefault``: a user's value wins.
"""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
del _name
