"""Helpers the tests share: real media and generated videos (``media``), synthetic
skeletons (``skeletons``), real server and Redis processes (``processes``) and the
hostile-input corpus (``hostile``)."""
