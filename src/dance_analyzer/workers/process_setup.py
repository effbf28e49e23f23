"""How a worker process is set up: signals it ignores, a standard output it does not hold,
and a limit on still images. Imported (first) by the forkserver that forks the worker
processes, and by workers forked without one (a CLI run's, see
:func:`.processes.start_workers_early`).

The forkserver's death breaks every worker it forked (the pool learns a worker's fate
through the forkserver), so it must outlive a SIGTERM or Ctrl-C sent to the whole
process group, as init systems and terminals do; the parent alone decides when the
pool stops, and the forkserver exits by itself once the parent is gone. Workers
forked from it inherit the same dispositions.
"""

import os
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)

# Workers answer through pipes and never print. Holding the caller's standard output
# open would keep `dance-analyzer analyze clip.mp4 | jq` waiting after the CLI has
# finished, until the forkserver's own (slow) interpreter shutdown ends.
_devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(_devnull, 1)
os.close(_devnull)

# Still images (learning a pose from a photo) are decoded with OpenCV, which reads this
# limit once: a small file declaring a huge picture must not allocate gigabytes.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(4096 * 4096))
