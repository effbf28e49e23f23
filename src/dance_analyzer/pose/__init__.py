"""Pictures to landmarks: the model (``estimator``) and which of the three are installed
(``models``), the landmark names (``landmarks``), the track every later step reads
(``track``) and running the model over a video (``extract``).

The estimator is imported from ``pose.estimator``, not from here: importing MediaPipe
takes time, and processes that never run the model (the API's coordinator, a CLI that
only plans work) should not pay for it.
"""
