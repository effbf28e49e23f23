"""Track and labels to the sections of a result: the pose summary and timeline
(``summary``), how the dancer moves (``movement``), the timing against the music
(``rhythm``) and the score against a reference dance (``compare``).
"""
