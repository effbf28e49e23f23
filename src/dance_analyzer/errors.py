"""The errors analysis can raise, typed once where they are detected.

Each shell maps them to its own form (HTTP status + ``{"error"}``, CLI exit code), so
the message is written for a person and never contains a server path.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """Base of every error caused by the input rather than by a bug."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def about(self, what: str) -> AnalysisError:
        """The same error saying which of several inputs it is about ("The reference video: ...")."""
        return type(self)(f"The {what}: {self.message[:1].lower()}{self.message[1:]}")


class EmptyFile(AnalysisError):
    """The upload has no bytes."""


class NotAVideo(AnalysisError):
    """The bytes are not a container with a video stream we can decode."""


class CorruptVideo(AnalysisError):
    """A video stream exists but could not be decoded, or yielded no frames."""


class TooLarge(AnalysisError):
    """The upload, or the frame size it declares, is over a configured limit."""


class TooLong(AnalysisError):
    """The video runs longer, or has more frames, than the configured limit."""


class NoFrameAt(AnalysisError):
    """A time asked for (a pose's example) lies past the end of the video."""


class NoPersonFound(AnalysisError):
    """The analysis needs a dancer (e.g. to compare two videos) and found nobody."""


class ModelNotInstalled(AnalysisError):
    """The pose model asked for is not one of the three, or is not installed here."""


class TimeLimitExceeded(AnalysisError):
    """The analysis ran past the configured time limit and was stopped."""


class InvalidSettings(Exception):
    """A ``DANCE_*`` environment variable holds a value the settings refuse: the operator's
    mistake, named so they can mend it (not a traceback from the settings library)."""


class Cancelled(Exception):
    """The caller withdrew the analysis (a job was cancelled, a server is stopping).

    Not an :class:`AnalysisError`: nothing is wrong with the video.
    """


class OverlayNotWritten(Exception):
    """The annotated video could not be written (a missing directory, a full disk).

    Not an :class:`AnalysisError`: the video was fine, the place to write to was not.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
