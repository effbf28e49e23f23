"""dance-analyzer: name the poses a dancer strikes in a video."""

import os

__version__ = "0.1.0"

# NumPy's OpenBLAS starts a thread per core at import, and after each matrix product its
# threads spin (calling sched_yield) before they sleep. The analysis runs one process per
# core and, under precision=auto, many small products (the pose checks between model runs):
# the spinning threads took a core's worth of CPU from the model beside them. One BLAS
# thread per process loses nothing, since the processes already fill the cores. Set here,
# before anything imports NumPy, so the worker processes inherit it too; a value the user
# set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
