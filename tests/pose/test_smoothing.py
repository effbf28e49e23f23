"""The landmark filters of pose.smoothing on synthetic tracks: still joints stay still
through model noise, fast moves come through at once, and a person found again starts
afresh."""

import numpy as np

from dance_analyzer.pose.smoothing import AUXILIARY, LANDMARKS, LandmarkSmoother, LowPass, OneEuro

WIDTH, HEIGHT = 640, 480


def frame(centre: tuple[float, float], rng: np.random.Generator, noise: float = 0.0):
    """(33, 4) landmarks spread around ``centre`` (normalised), their world twins and crop
    points with a 100 px radius, with Gaussian noise of ``noise`` pixels."""
    base = np.array(centre) + np.linspace(-0.05, 0.05, 33)[:, None] * [1, 2]
    image = np.zeros((33, 4))
    image[:, :2] = base + rng.normal(0, noise, (33, 2)) / [WIDTH, HEIGHT]
    image[:, 3] = 0.9
    world = image[:, :3] * 2
    auxiliary = np.array([centre, (centre[0], centre[1] - 100 / HEIGHT)])
    return image, world, auxiliary


def jitter_left(noise: float) -> float:
    """The spread of a still body's smoothed landmarks over the raw ones' (a 200 px body)."""
    rng = np.random.default_rng(1)
    smoother = LandmarkSmoother()
    raw, smooth = [], []
    for _ in range(60):
        image, world, aux = frame((0.5, 0.5), rng, noise)
        raw.append(image[:, 0] * WIDTH)
        smooth.append(smoother(image, world, aux, WIDTH, HEIGHT)[0][:, 0] * WIDTH)
    return float(np.std(np.array(smooth)[20:], axis=0).mean() / np.std(np.array(raw)[20:], axis=0).mean())


def test_a_still_body_loses_most_of_the_models_small_jitter_and_less_of_large_moves():
    # One Euro: sub-pixel shaking is what it removes; pixels of change a frame count as motion.
    assert jitter_left(0.25) < 0.35
    assert jitter_left(0.25) < jitter_left(1.0) < jitter_left(2.0) < 0.9


def test_a_fast_move_comes_through_within_a_few_frames():
    smoother = LandmarkSmoother()
    rng = np.random.default_rng(2)
    for _ in range(10):
        smoother(*frame((0.3, 0.5), rng), WIDTH, HEIGHT)
    path = []
    for k in range(1, 9):  # 40 px a frame: a quick arm, 1200 px/s
        image, world, aux = frame((0.3 + k * 40 / WIDTH, 0.5), rng)
        path.append((smoother(image, world, aux, WIDTH, HEIGHT)[0][0, 0] - image[0, 0]) * WIDTH)
    assert abs(path[-1]) < 10  # lagging by a fraction of a frame's move once under way
    assert all(lag <= 0 for lag in path)  # behind, never overshooting


def test_the_first_frame_and_a_reset_give_the_raw_landmarks():
    rng = np.random.default_rng(3)
    smoother = LandmarkSmoother()
    first = frame((0.5, 0.5), rng, noise=3.0)
    assert np.allclose(smoother(*first, WIDTH, HEIGHT)[0], first[0], atol=1e-6)
    smoother(*frame((0.2, 0.5), rng, noise=3.0), WIDTH, HEIGHT)
    smoother.reset()
    again = frame((0.8, 0.4), rng, noise=3.0)
    image, world, aux = smoother(*again, WIDTH, HEIGHT)
    assert np.allclose(image, again[0], atol=1e-6) and np.allclose(aux, again[2])


def test_visibility_moves_a_tenth_of_the_way_each_frame():
    low = LowPass()
    assert low(np.array([1.0]))[0] == 1.0
    assert np.isclose(low(np.array([0.0]))[0], 0.9)
    assert np.isclose(low(np.array([0.0]))[0], 0.81)


def test_the_crop_points_are_smoothed_harder_than_the_body():
    body, crop = OneEuro(LANDMARKS), OneEuro(AUXILIARY)
    body(np.zeros(1), 0.01)
    crop(np.zeros(1), 0.01)
    assert 0 < crop(np.array([5.0]), 0.01)[0] < body(np.array([5.0]), 0.01)[0] < 5.0
