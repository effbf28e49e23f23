"""Asynchronous jobs: records, upload storage, and the two ways of running them."""
