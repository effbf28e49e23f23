"""Bytes to pictures and sound: video decoding (with its limits), the soundtrack, still images.

The first stage of the flow and the only one that parses untrusted files; everything
later works on the arrays it yields.
"""
