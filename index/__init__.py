"""How to find it: embedders, the FAISS and BM25 sides, fusion, the retriever, the engine.

Importing this package holds numpy's BLAS (and OpenMP) to one thread, as serving does:
a query is a few small matrix products, and a second thread only contends with the
other requests, 3-7x slower on a busy 2-core box.  Before numpy loads, the thread
variables are set (``setdefault``: an operator's value wins); when numpy is already
loaded (a test or benchmark imported it first), ``threadpoolctl`` limits the loaded pools.
"""

import os
import sys

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
del _name

if "numpy" in sys.modules:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
