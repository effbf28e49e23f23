"""Where the untrusted video files are read: a warm pool of model-holding worker processes
(``pool``), or, for files the caller trusts, the calling process itself (``inline``).

Both offer what :class:`dance_analyzer.pipeline.Reader` asks for, so the pipeline does
not know which one it is given. ``spans`` plans how one video is split across workers,
``processes`` starts them and ``tasks`` is what runs inside them.

Submodules are imported by name, not from here: a CLI run forks its workers before it
imports the rest of the analysis (see ``processes.start_workers_early``).
"""
