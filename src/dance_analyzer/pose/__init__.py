"""Pose estimation: turning pictures into body landmarks.

The estimator lives in ``pose.estimator`` and is imported from there, not here:
importing MediaPipe takes seconds, and processes that never run the model (the
API's coordinator, a CLI that only plans work) should not pay for it.
"""
