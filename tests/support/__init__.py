"""Helpers the tests share: real media and generated videos (``media``, and ``h264`` for
videos whose parameter sets declare another frame size), synthetic skeletons
(``skeletons``) and dancers moving over time (``motions``), real server and Redis
processes (``processes``), the hostile-input corpus (``hostile``), seeded mutations of the
shared clips (``mutations``) read in a child process (``decoding``) or sent to a server
(``fuzzing``), the peak memory of one statement in a fresh process (``memory``), and
responses checked against the declared OpenAPI schema (``schema``)."""
