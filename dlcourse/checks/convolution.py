"""Lesson 06a exercises: conv2d and max_pool2d, the two operations of a convolutional layer.

Shapes follow PyTorch (``torch.nn.functional.conv2d`` / ``max_pool2d``): images ``x`` are
``(N, C, H, W)`` (samples, channels, height, width), kernels ``(C_out, C_in, kH, kW)``.

- ``conv2d(x, kernel, stride=1, padding=0)`` is a cross-correlation (the kernel is NOT flipped),
  with ``padding`` zeros on every side and ``stride`` steps in both directions:
  ``out[n, o, i, j] = sum over c, p, q of xp[n, c, i*stride + p, j*stride + q] * kernel[o, c, p, q]``,
  ``H_out = (H + 2 * padding - kH) // stride + 1`` (the same for W).
- ``max_pool2d(x, size)`` takes the maximum of non-overlapping ``size`` x ``size`` windows of each
  channel; rows and columns that do not fill a window are dropped: ``(N, C, H // size, W // size)``.

The cases use several images, several input and output channels (also C_in == C_out, where a
kernel read as (C_in, C_out, ...) gives wrong values instead of an error), non-square images and
kernels, and stride and padding together, so that a transposed kernel, a flipped kernel, one-sided
padding or a wrong output size cannot pass.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..reference import convolution as ref
from .core import RTOL, ATOL, Case, Exercise, Mistake, compare_arrays, redraw
from .core import seeded_data as _data


def _f(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


# --------------------------------------------------------------------------------------------
# conv2d(x, kernel, stride=1, padding=0)
# --------------------------------------------------------------------------------------------

SIZE_FORMULA = ("H_out = (H + 2 * padding - kH) // stride + 1 and "
                "W_out = (W + 2 * padding - kW) // stride + 1")


def _conv_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    """The usual comparison, with a word on which axis of a (N, C_out, H_out, W_out) is off."""
    exp = np.asarray(expected)
    if isinstance(got, np.ndarray) and got.dtype.kind in "fiu" and got.shape != exp.shape:
        if got.ndim != 4:
            return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: four "
                    "axes (N, C_out, H_out, W_out), one output image per input image and one "
                    "channel per kernel, even when N or C_out is 1.")
        if got.shape[0] != exp.shape[0]:
            return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: the "
                    f"first axis holds the N = {exp.shape[0]} images of x, one output per image.")
        if got.shape[1] != exp.shape[1]:
            return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: "
                    f"axis 1 holds one channel per kernel, C_out = kernel.shape[0] = "
                    f"{exp.shape[1]}. Each output channel sums over ALL the input channels.")
        return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: the "
                f"image size is wrong. With padding and stride, {SIZE_FORMULA}.")
    return compare_arrays(expected, got, rtol=rtol, atol=atol)


def _pad(x, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    return np.pad(_f(x), ((0, 0), (0, 0), (top, bottom), (left, right)))


def _conv_flipped(x, kernel, stride=1, padding=0):
    return ref.conv2d(x, _f(kernel)[:, :, ::-1, ::-1], stride, padding)


def _conv_kernel_transposed(x, kernel, stride=1, padding=0):
    return ref.conv2d(x, _f(kernel).transpose(0, 1, 3, 2), stride, padding)


def _conv_pad_one_side(x, kernel, stride=1, padding=0):
    return ref.conv2d(_pad(x, padding, 0, padding, 0), kernel, stride, 0)


def _conv_pad_other_side(x, kernel, stride=1, padding=0):
    return ref.conv2d(_pad(x, 0, padding, 0, padding), kernel, stride, 0)


def _conv_pad_height_only(x, kernel, stride=1, padding=0):
    return ref.conv2d(_pad(x, padding, padding, 0, 0), kernel, stride, 0)


def _conv_pad_width_only(x, kernel, stride=1, padding=0):
    return ref.conv2d(_pad(x, 0, 0, padding, padding), kernel, stride, 0)


def _conv_pad_once_too_much(x, kernel, stride=1, padding=0):
    """2 * padding zeros on each side (the total padding put on both sides)."""
    return ref.conv2d(x, kernel, stride, 2 * int(padding))


def _conv_no_padding(x, kernel, stride=1, padding=0):
    return ref.conv2d(x, kernel, stride, 0)


def _conv_no_stride(x, kernel, stride=1, padding=0):
    return ref.conv2d(x, kernel, 1, padding)


def _conv_stride_not_in_index(x, kernel, stride=1, padding=0):
    """The output has the strided size, but the window moved one pixel at a time (i, not i*s)."""
    want = ref.conv2d(x, kernel, stride, padding).shape
    return ref.conv2d(x, kernel, 1, padding)[:, :, :want[2], :want[3]]


def _conv_one_short(x, kernel, stride=1, padding=0):
    """H_out = (H + 2p - kH) // stride: the + 1 forgotten."""
    out = ref.conv2d(x, kernel, stride, padding)
    return out[:, :, :-1, :-1]


def _conv_first_channel_only(x, kernel, stride=1, padding=0):
    return ref.conv2d(_f(x)[:, :1], _f(kernel)[:, :1], stride, padding)


def _conv_mean_over_channels(x, kernel, stride=1, padding=0):
    return ref.conv2d(x, kernel, stride, padding) / _f(kernel).shape[1]


def _conv_channel_axes_swapped(x, kernel, stride=1, padding=0):
    """kernel read as (C_in, C_out, kH, kW): kernel[c, o] where kernel[o, c] is meant."""
    return ref.conv2d(x, _f(kernel).transpose(1, 0, 2, 3), stride, padding)


def _conv_summed_over_outputs(x, kernel, stride=1, padding=0):
    out = ref.conv2d(x, kernel, stride, padding)
    return np.broadcast_to(out.sum(axis=1, keepdims=True), out.shape).copy()


def _conv_relu(x, kernel, stride=1, padding=0):
    return np.maximum(ref.conv2d(x, kernel, stride, padding), 0.0)


def _conv_first_image_only(x, kernel, stride=1, padding=0):
    out = ref.conv2d(_f(x)[:1], kernel, stride, padding)
    return np.repeat(out, _f(x).shape[0], axis=0)


CROSS_CORRELATION_HINT = (
    "Your kernel is flipped. In deep learning (PyTorch's conv2d, and this exercise) a "
    "\"convolution\" is really a CROSS-CORRELATION: the kernel slides over the image as it is, "
    "out[i, j] = sum over p, q of x[i + p, j + q] * kernel[p, q], so kernel[0, 0] meets the "
    "window's top-left pixel. The convolution of mathematics and signal processing "
    "(scipy.signal.convolve2d, np.convolve) first flips the kernel upside down and left to right, "
    "kernel[::-1, ::-1]. A learned kernel does not care (the network would learn it flipped), but "
    "to match PyTorch use the kernel unflipped (scipy.signal.correlate2d, not convolve2d).")


def _image(seed: int, *shape: int) -> np.ndarray:
    """Small uneven integers as floats: easy to follow by hand, no symmetry."""
    return np.random.default_rng(seed).integers(-3, 4, size=shape).astype(np.float64)


#: the first case, worked by hand in its name
X_ONE = np.array([[[[1.0, 2.0, 0.0, -1.0, 3.0],
                    [0.0, 1.0, 2.0, 2.0, -2.0],
                    [3.0, -1.0, 1.0, 0.0, 1.0],
                    [2.0, 0.0, -2.0, 1.0, 1.0]]]])
K_ONE = np.array([[[[1.0, 0.0, -1.0],
                    [2.0, 1.0, 0.0]]]])

CONV2D = Exercise(
    name="conv2d",
    params=("x", "kernel", "stride", "padding"),
    reference=ref.conv2d,
    compare=_conv_compare,
    cases=[
        Case("one 4 x 5 image, one channel, a 2 x 3 kernel [[1, 0, -1], [2, 1, 0]]: output "
             "(1, 1, 3, 3); its top-left value is 1*1 + 2*0 + 0*(-1) + 0*2 + 1*1 + 2*0 = 2",
             (X_ONE, K_ONE),
             hint="out[0, 0, i, j] = np.sum(x[0, 0, i:i+2, j:j+3] * kernel[0, 0]): the kernel "
                  "laid over the window whose top-left corner is (i, j), multiplied pixel by "
                  "pixel and summed."),
        Case("2 images with 2 channels and 2 kernels (C_in = C_out = 2), 5 x 6 images, 3 x 2 "
             "kernels: output (2, 2, 4, 5)", (_data(71, 2, 2, 5, 6), _data(72, 2, 2, 3, 2)),
             hint="kernel[o, c] is the slice that output channel o applies to input channel c; "
                  "out[n, o] is the SUM over c of the cross-correlations of x[n, c] with "
                  "kernel[o, c]."),
        Case("2 images, 3 input channels, 4 output channels, 6 x 7 images, 3 x 2 kernels: "
             "output (2, 4, 4, 6)", (_data(73, 2, 3, 6, 7), _data(74, 4, 3, 3, 2))),
        Case("padding=1: one zero on every side of (2, 3, 5, 6) images, 3 x 2 kernels (2, 3, 3, 2): "
             "output (2, 2, 5, 7)", (_data(75, 2, 3, 5, 6), _data(76, 2, 3, 3, 2)),
             {"padding": 1},
             hint="Pad the height and the width on both sides: np.pad(x, ((0, 0), (0, 0), "
                  "(padding, padding), (padding, padding))), then slide the kernel over the "
                  "padded images."),
        Case("stride=2: (2, 2, 7, 10) images, 3 x 3 kernels (3, 2, 3, 3): output (2, 3, 3, 4)",
             (_data(77, 2, 2, 7, 10), _data(78, 3, 2, 3, 3)), {"stride": 2},
             hint="With stride s the window of output (i, j) starts at row i*s and column j*s, "
                  f"and {SIZE_FORMULA}."),
        Case("stride=2 and padding=1 together: (2, 3, 9, 7) images, 3 x 2 kernels (2, 3, 3, 2): "
             "output (2, 2, 5, 4)", (_data(79, 2, 3, 9, 7), _data(80, 2, 3, 3, 2)),
             {"stride": 2, "padding": 1},
             hint=f"Pad first, then step: {SIZE_FORMULA}."),
        Case("random images (3, 2, 8, 6) and kernels (3, 2, 2, 3)",
             (redraw(_data, 3, 2, 8, 6), redraw(_data, 3, 2, 2, 3)), hidden=True),
        Case("stride 3 and padding 2, kernels 3 x 4",
             (redraw(_data, 2, 2, 10, 11), redraw(_data, 4, 2, 3, 4)), {"stride": 3, "padding": 2},
             hidden=True),
        Case("stride and padding given by position: conv2d(x, kernel, 2, 1)",
             (redraw(_data, 2, 3, 8, 9), redraw(_data, 2, 3, 2, 3), 2, 1), hidden=True),
        Case("1 x 1 kernels: each output channel mixes the input channels pixel by pixel",
             (redraw(_data, 2, 3, 4, 5), redraw(_data, 2, 3, 1, 1)), hidden=True),
        Case("a kernel as large as the image: output (1, 2, 1, 1)",
             (redraw(_data, 1, 2, 4, 3), redraw(_data, 2, 2, 4, 3)), hidden=True),
        Case("stride 3 with 2 x 2 kernels: the windows skip pixels",
             (redraw(_data, 2, 1, 8, 9), redraw(_data, 2, 1, 2, 2)), {"stride": 3}, hidden=True),
        Case("3 channels in and 3 out, padding 2 with 2 x 3 kernels",
             (redraw(_data, 2, 3, 5, 4), redraw(_data, 3, 3, 2, 3)), {"padding": 2}, hidden=True),
        Case("small integers, 4 images, padding 1 and stride 2",
             (redraw(_image, 4, 2, 6, 7), redraw(_image, 3, 2, 3, 3)),
             {"stride": 2, "padding": 1}, hidden=True),
    ],
    mistakes=[
        Mistake(CROSS_CORRELATION_HINT, _conv_flipped),
        Mistake("The kernel's last two axes look swapped: kernel[o, c, p, q] has p running down the "
                "rows (kH = kernel.shape[2], the height) and q across the columns (kW = "
                "kernel.shape[3], the width). Multiply x[..., i + p, j + q] by kernel[..., p, q], "
                "not kernel[..., q, p].", _conv_kernel_transposed),
        Mistake("You padded one side only (top and left, or bottom and right). padding=1 puts one "
                "row of zeros above AND below the image and one column left AND right: "
                "np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).",
                _conv_pad_one_side),
        Mistake("You padded one side only (top and left, or bottom and right). padding=1 puts one "
                "row of zeros above AND below the image and one column left AND right: "
                "np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).",
                _conv_pad_other_side),
        Mistake("You padded the height only (or the width only). Pad both image axes, on both "
                "sides: np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).",
                _conv_pad_height_only),
        Mistake("You padded the width only (or the height only). Pad both image axes, on both "
                "sides: np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding))).",
                _conv_pad_width_only),
        Mistake("You ignored padding: with padding=p, first surround each image with p rows and p "
                "columns of zeros on every side, np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))).",
                _conv_no_padding),
        Mistake("You put 2 * padding zeros on each side. padding=p means p zeros on EACH side "
                "(2 * p in total per axis): np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))).",
                _conv_pad_once_too_much),
        Mistake("You ignored the stride: with stride s the kernel moves s pixels at a time, so the "
                f"output is smaller: {SIZE_FORMULA}.", _conv_no_stride),
        Mistake("The output has the right size, but its windows moved one pixel at a time: with "
                "stride s the window of output (i, j) starts at row i * s and column j * s, "
                "x[..., i*s:i*s+kH, j*s:j*s+kW].", _conv_stride_not_in_index),
        Mistake(f"Your output is one row and one column short: {SIZE_FORMULA} (do not forget the "
                "+ 1: a 5-pixel row and a 3-pixel kernel give 3 positions, 0, 1 and 2).",
                _conv_one_short),
        Mistake("Only the first input channel was used. An output channel sums over ALL input "
                "channels: out[n, o] = sum over c of correlate(x[n, c], kernel[o, c]).",
                _conv_first_channel_only),
        Mistake("You averaged over the input channels: an output channel is their SUM, "
                "sum over c of correlate(x[n, c], kernel[o, c]), as in PyTorch.",
                _conv_mean_over_channels),
        Mistake("The kernel's channel axes look swapped: kernel has shape (C_out, C_in, kH, kW), "
                "so output channel o applies kernel[o, c] to input channel c (not kernel[c, o]).",
                _conv_channel_axes_swapped),
        Mistake("Every output channel holds the same values: you summed over the output channels "
                "too. Each kernel kernel[o] gives its own channel out[:, o]; sum over the input "
                "channels c and the window (p, q) only, e.g. np.sum(window * kernel[o]).",
                _conv_summed_over_outputs),
        Mistake("You applied ReLU (no negative values came back). conv2d is the convolution "
                "alone: no activation and no bias; the network applies those afterwards.",
                _conv_relu),
        Mistake("Every image got the output of the first one: loop over the N images, "
                "out[n] from x[n].", _conv_first_image_only),
    ],
)


# --------------------------------------------------------------------------------------------
# max_pool2d(x, size)
# --------------------------------------------------------------------------------------------

def _pool_compare(expected: Any, got: Any, *, rtol: float = RTOL, atol: float = ATOL) -> str | None:
    exp = np.asarray(expected)
    if isinstance(got, np.ndarray) and got.dtype.kind in "fiu" and got.shape != exp.shape:
        if got.ndim != 4:
            return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: four "
                    "axes (N, C, H // size, W // size), the same images and channels as x.")
        if got.shape[:2] != exp.shape[:2]:
            return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: "
                    "pooling keeps every image and every channel (the first two axes of x); it "
                    "only shrinks the height and the width.")
        return (f"The result has shape {got.shape}, but shape {exp.shape} was expected: "
                "(H // size, W // size) windows, side by side without overlapping, and the rows "
                "and columns that do not fill a whole window dropped.")
    return compare_arrays(expected, got, rtol=rtol, atol=atol)


def _windows(x, size) -> np.ndarray:
    """(N, C, H // size, W // size, size, size): the non-overlapping windows."""
    x, s = _f(x), int(size)
    n, c, h, w = x.shape
    ho, wo = h // s, w // s
    return x[:, :, :ho * s, :wo * s].reshape(n, c, ho, s, wo, s).transpose(0, 1, 2, 4, 3, 5)


def _pool_overlapping(x, size):
    from numpy.lib.stride_tricks import sliding_window_view
    s = int(size)
    return sliding_window_view(_f(x), (s, s), axis=(2, 3)).max(axis=(4, 5))


def _pool_average(x, size):
    return _windows(x, size).mean(axis=(4, 5))


def _pool_min(x, size):
    return _windows(x, size).min(axis=(4, 5))


def _pool_across_channels(x, size):
    out = _windows(x, size).max(axis=(4, 5))
    return np.broadcast_to(out.max(axis=1, keepdims=True), out.shape).copy()


def _pool_channels_collapsed(x, size):
    return _windows(x, size).max(axis=(1, 4, 5))[:, None]


def _pool_ceil(x, size):
    """Partial windows kept (ceil mode): pad with -inf to whole windows."""
    x, s = _f(x), int(size)
    n, c, h, w = x.shape
    hp, wp = -(-h // s) * s, -(-w // s) * s
    padded = np.full((n, c, hp, wp), -np.inf)
    padded[:, :, :h, :w] = x
    return _windows(padded, s).max(axis=(4, 5))


def _pool_transposed(x, size):
    return _windows(x, size).max(axis=(4, 5)).transpose(0, 1, 3, 2)


def _pool_rows_only(x, size):
    x, s = _f(x), int(size)
    n, c, h, w = x.shape
    return x[:, :, :h // s * s].reshape(n, c, h // s, s, w).max(axis=3)


def _pool_columns_only(x, size):
    x, s = _f(x), int(size)
    n, c, h, w = x.shape
    return x[:, :, :, :w // s * s].reshape(n, c, h, w // s, s).max(axis=4)


def _pool_wrong_reshape(x, size):
    """reshape(n, c, ho, wo, s, s) straight away: those blocks are not the windows."""
    x, s = _f(x), int(size)
    n, c, h, w = x.shape
    ho, wo = h // s, w // s
    return x[:, :, :ho * s, :wo * s].reshape(n, c, ho, wo, s, s).max(axis=(4, 5))


def _pool_zero_start(x, size):
    return np.maximum(_windows(x, size).max(axis=(4, 5)), 0.0)


def _pool_abs(x, size):
    return np.abs(_windows(x, size)).max(axis=(4, 5))


def _negative(seed: int, *shape: int) -> np.ndarray:
    """Every value below -0.5: a running maximum started at 0 stays 0."""
    return -0.5 - np.abs(_data(seed, *shape))


#: the first case, worked by hand in its name
X_POOL = np.array([[[[1.0, 5.0, -2.0, 0.0, 4.0, 3.0],
                     [2.0, 0.0, 6.0, -1.0, 2.0, 1.0],
                     [-3.0, -1.0, 7.0, 8.0, 0.0, -4.0],
                     [-2.0, -5.0, 2.0, 1.0, 9.0, 2.0]]]])

MAX_POOL2D = Exercise(
    name="max_pool2d",
    params=("x", "size"),
    reference=ref.max_pool2d,
    compare=_pool_compare,
    cases=[
        Case("one 4 x 6 image, size 2: six 2 x 2 windows, output (1, 1, 2, 3) = "
             "[[[[5, 6, 4], [-1, 8, 9]]]]", (X_POOL, 2),
             hint="The window of output (i, j) is x[..., 2*i:2*i+2, 2*j:2*j+2]: the top-left "
                  "one holds 1, 5, 2, 0 (max 5), the bottom-left one -3, -1, -2, -5 (max -1)."),
        Case("2 images, 3 channels, 6 x 4, size 2: output (2, 3, 3, 2)", (_data(81, 2, 3, 6, 4), 2),
             hint="Each channel of each image is pooled on its own."),
        Case("leftovers dropped: (2, 2, 7, 11) images with size 3 give (2, 2, 2, 3); the last row "
             "and the last 2 columns fill no whole window", (_data(82, 2, 2, 7, 11), 3),
             hint="H // size = 7 // 3 = 2 windows down and 11 // 3 = 3 across; PyTorch's "
                  "max_pool2d drops the rest."),
        Case("random images (3, 2, 9, 10), size 3", (redraw(_data, 3, 2, 9, 10), 3), hidden=True),
        Case("every value negative (a maximum started at 0 would stay 0)",
             (redraw(_negative, 2, 3, 4, 6), 2), hidden=True),
        Case("size 1: every pixel is its own window, x comes back unchanged",
             (redraw(_data, 2, 2, 3, 5), 1), hidden=True),
        Case("one window per image: (2, 3, 5, 7) with size 5 give (2, 3, 1, 1)",
             (redraw(_data, 2, 3, 5, 7), 5), hidden=True),
        Case("size 4 on (1, 4, 8, 13) images", (redraw(_data, 1, 4, 8, 13), 4), hidden=True),
        Case("size 2 on odd sizes (2, 1, 5, 9)", (redraw(_data, 2, 1, 5, 9), 2), hidden=True),
    ],
    mistakes=[
        Mistake("Your windows overlap (they move one pixel at a time). Max pooling of size s here "
                "uses non-overlapping windows, stride = size: output (i, j) is the max of "
                "x[..., i*s:(i+1)*s, j*s:(j+1)*s].", _pool_overlapping),
        Mistake("That is average pooling (the mean of each window). Max pooling keeps the LARGEST "
                "value of each window: .max(), not .mean().", _pool_average),
        Mistake("You took the minimum of each window; max pooling keeps the maximum.", _pool_min),
        Mistake("You pooled across the channels too. Each channel is pooled on its own: the max "
                "is over the window's rows and columns only, never over axis 1 (the channels).",
                _pool_across_channels),
        Mistake("You pooled across the channels too. Each channel is pooled on its own: the max "
                "is over the window's rows and columns only, never over axis 1 (the channels).",
                _pool_channels_collapsed),
        Mistake("You kept the partial windows at the edges (ceil mode). Like PyTorch's "
                "max_pool2d(x, size), drop the rows and columns that do not fill a whole window: "
                "the output is (H // size, W // size).", _pool_ceil),
        Mistake("Your output's height and width are swapped: the result is (N, C, H // size, "
                "W // size), rows first.", _pool_transposed),
        Mistake("You pooled down the rows only: pool across the columns too, so both the height "
                "and the width shrink by size.", _pool_rows_only),
        Mistake("You pooled across the columns only: pool down the rows too, so both the height "
                "and the width shrink by size.", _pool_columns_only),
        Mistake("The reshape did not cut x into windows: x.reshape(N, C, H // s, W // s, s, s) "
                "mixes rows and columns. Reshape to (N, C, H // s, s, W // s, s) (rows: window "
                "index then position inside it; the same for columns) and take the max over axes "
                "3 and 5.", _pool_wrong_reshape),
        Mistake("Windows whose values are all negative came back as 0: your running maximum "
                "started at 0. Start it at -np.inf (or at the window's first value), or use "
                "window.max().", _pool_zero_start),
        Mistake("You took the largest ABSOLUTE value: max pooling keeps the largest value, "
                "negative values included.", _pool_abs),
    ],
)

EXERCISES = [CONV2D, MAX_POOL2D]
