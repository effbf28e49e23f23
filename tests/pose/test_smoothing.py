"""The landmark filters of pose.smoothing on synthetic tracks: still joints stay still
through model noise, fast moves come through at once, and a person found again starts
afresh."""

import numpy as np

from dance_analyzer.pose.smoothing import (
    AUXILIARY,
    LANDMARKS,
    SOLUTION_RATE,
    CropSmoother,
    LandmarkSmoother,
    LowPass,
    OneEuro,
    _alpha,
    smooth_rows,
)

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


def test_smoothing_afterwards_over_the_rows_is_the_live_filter_step_for_step_and_restarts_on_absence():
    rng = np.random.default_rng(4)
    rows = [frame((0.3 + 0.01 * k, 0.5), rng, noise=2.0) for k in range(12)]
    image = np.array([r[0] for r in rows], np.float32)
    world = np.array([r[1][:, :3] for r in rows], np.float32)
    aux = np.array([r[2] for r in rows])
    image[5], world[5] = np.nan, np.nan  # absent for a frame: found again afresh
    restarts = np.zeros(12, bool)
    restarts[9] = True  # lost and found again within frame 9
    smooth_image, smooth_world = smooth_rows(image, world, aux, WIDTH, HEIGHT, restarts=restarts)
    live = LandmarkSmoother()
    for k in range(12):
        if k == 5:
            continue
        if k in (0, 6, 9):
            live.reset()
        want_image, want_world, _ = live(image[k], world[k], aux[k], WIDTH, HEIGHT)
        np.testing.assert_allclose(smooth_image[k], want_image, rtol=1e-6)
        np.testing.assert_allclose(smooth_world[k], want_world, rtol=1e-6)
    assert np.isnan(smooth_image[5]).all()
    np.testing.assert_allclose(smooth_image[[0, 6, 9]], image[[0, 6, 9]], atol=1e-6)  # fresh: the raw rows


def test_a_gap_of_frames_weighs_a_new_value_as_that_many_single_frames_would():
    one, jump = LowPass(), LowPass()
    one(np.array([0.0]))
    jump(np.array([0.0]))
    for _ in range(4):
        stepped = one(np.array([1.0]))
    assert np.isclose(jump(np.array([1.0]), gap=4)[0], stepped[0])
    # One Euro over a gap: the speed is per second of video (4 frames at 30/s), not per call.
    skipping = OneEuro(LANDMARKS)
    skipping(np.zeros(1), 0.01)
    skipping(np.array([4.0]), 0.01, gap=4)
    per_second = 4.0 * 0.01 / (4 / SOLUTION_RATE)
    assert skipping.speed is not None
    assert np.isclose(skipping.speed[0], _alpha(LANDMARKS.derivate_cutoff, SOLUTION_RATE / 4) * per_second)
    crop = CropSmoother()
    assert np.allclose(crop(np.array([[0.5, 0.5], [0.5, 0.3]]), WIDTH, HEIGHT), [[0.5, 0.5], [0.5, 0.3]])
