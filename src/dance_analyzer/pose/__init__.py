"""Pose estimation: turning pictures into body landmarks."""

from .estimator import PoseEstimator
from .landmarks import LANDMARK_NAMES, Landmark

__all__ = ["LANDMARK_NAMES", "Landmark", "PoseEstimator"]
