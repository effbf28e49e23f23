"""Features to names: the pose definitions (data, in ``poses.yaml``), classifying frames
with them, learning a new pose from an example, and the library of built-in and custom poses.
"""
