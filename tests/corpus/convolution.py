"""Lesson 06a corpus: conv2d(x, kernel, stride=1, padding=0) and max_pool2d(x, size).

See ``corpus/__init__`` for the tables. conv2d is PyTorch's (a cross-correlation, no bias), on
x (N, C_in, H, W) and kernel (C_out, C_in, kH, kW); max_pool2d takes non-overlapping windows and
drops the leftovers.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

# --------------------------------------------------------------------------------------------
# conv2d: right, written differently from the reference
# --------------------------------------------------------------------------------------------

def conv2d_loops(x, kernel, stride=1, padding=0):
    """Seven nested loops, the definition written out."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    n_img, c_in, h, w = x.shape
    c_out, _, kh, kw = kernel.shape
    xp = np.zeros((n_img, c_in, h + 2 * padding, w + 2 * padding))
    xp[:, :, padding:padding + h, padding:padding + w] = x
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    out = np.zeros((n_img, c_out, h_out, w_out))
    for n in range(n_img):
        for o in range(c_out):
            for i in range(h_out):
                for j in range(w_out):
                    total = 0.0
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                total += xp[n, c, i * stride + p, j * stride + q] * kernel[o, c, p, q]
                    out[n, o, i, j] = total
    return out


def conv2d_im2col(x, kernel, stride=1, padding=0):
    """Every window flattened into a row, then one matrix product with the flattened kernels."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)], mode="constant")
    n_img = x.shape[0]
    c_out, c_in, kh, kw = kernel.shape
    h_out = (xp.shape[2] - kh) // stride + 1
    w_out = (xp.shape[3] - kw) // stride + 1
    cols = np.empty((n_img, h_out, w_out, c_in * kh * kw))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            cols[:, i, j, :] = window.reshape(n_img, -1)
    out = cols @ kernel.reshape(c_out, -1).T            # (N, H_out, W_out, C_out)
    return out.transpose(0, 3, 1, 2)


def conv2d_scipy(x, kernel, stride=1, padding=0):
    """scipy.signal.correlate2d (NOT convolve2d) per pair of channels, then every stride-th."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    results = []
    for image in xp:
        channels = []
        for k in kernel:
            full = sum(signal.correlate2d(image[c], k[c], mode="valid") for c in range(len(k)))
            channels.append(full[::stride, ::stride])
        results.append(channels)
    return np.array(results, dtype=np.float64)


def conv2d_window_view(x, kernel, stride=1, padding=0):
    """sliding_window_view gives every window; einsum multiplies and sums them with the kernels."""
    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (padding,) * 2, (padding,) * 2))
    kernel = np.asarray(kernel, dtype=float)
    windows = sliding_window_view(xp, kernel.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("ncijpq,ocpq->noij", windows, kernel)


# --------------------------------------------------------------------------------------------
# conv2d: wrong
# --------------------------------------------------------------------------------------------

def _conv(x, kernel, stride=1, padding=0, *, pads=None, flip=False, swap_hw=False,
          step=None, size_stride=None, reduce="sum", channel_axes=(0, 1), extra_row=1):
    """A loop implementation with one mistake switched on (for the wrong answers below)."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    if flip:
        kernel = kernel[:, :, ::-1, ::-1]
    if swap_hw:
        kernel = kernel.transpose(0, 1, 3, 2)
    if channel_axes != (0, 1):
        kernel = kernel.transpose(1, 0, 2, 3)
    top, bottom, left, right = pads if pads is not None else (padding,) * 4
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    n_img, c_in = x.shape[:2]
    c_out, _, kh, kw = kernel.shape
    size_stride = stride if size_stride is None else size_stride
    step = stride if step is None else step
    h_out = (xp.shape[2] - kh) // size_stride + extra_row
    w_out = (xp.shape[3] - kw) // size_stride + extra_row
    out = np.zeros((n_img, c_out, h_out, w_out))
    for n in range(n_img):
        for o in range(c_out):
            for i in range(h_out):
                for j in range(w_out):
                    window = xp[n, :, i * step:i * step + kh, j * step:j * step + kw]
                    products = window * kernel[o]
                    out[n, o, i, j] = (products.sum() if reduce == "sum" else
                                       products.sum(axis=(1, 2)).mean() if reduce == "mean" else
                                       products[0].sum())
    return out


def conv2d_flipped_scipy(x, kernel, stride=1, padding=0):
    """scipy.signal.convolve2d: the convolution of mathematics flips the kernel."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = [[sum(signal.convolve2d(img[c], k[c], mode="valid") for c in range(len(k)))[::stride, ::stride]
            for k in kernel] for img in xp]
    return np.array(out)


def conv2d_kernel_transposed(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, swap_hw=True)


def conv2d_pad_top_left(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, pads=(padding, 0, padding, 0))


def conv2d_pad_ignored(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, 0)


def conv2d_pad_height_only(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, pads=(padding, padding, 0, 0))


def conv2d_stride_ignored(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, 1, padding)


def conv2d_stride_not_in_index(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, step=1)


def conv2d_forgot_plus_one(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, extra_row=0)


def conv2d_first_channel_only(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, reduce="first")


def conv2d_mean_over_channels(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, reduce="mean")


def conv2d_channel_axes_swapped(x, kernel, stride=1, padding=0):
    return _conv(x, kernel, stride, padding, channel_axes=(1, 0))


def conv2d_summed_over_outputs(x, kernel, stride=1, padding=0):
    """np.sum(window * kernel) with the WHOLE kernel (every output channel) at once."""
    x, kernel = np.asarray(x, dtype=float), np.asarray(kernel, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    c_out, _, kh, kw = kernel.shape
    h_out = (xp.shape[2] - kh) // stride + 1
    w_out = (xp.shape[3] - kw) // stride + 1
    out = np.zeros((x.shape[0], c_out, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = xp[:, None, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.sum(window * kernel, axis=(1, 2, 3, 4))[:, None]
    return out


def conv2d_with_relu(x, kernel, stride=1, padding=0):
    return np.maximum(conv2d_window_view(x, kernel, stride, padding), 0)


def conv2d_float32(x, kernel, stride=1, padding=0):
    return conv2d_window_view(x, kernel, stride, padding).astype(np.float32)


def conv2d_flips_kernel_in_place(x, kernel, stride=1, padding=0):
    """Flips the caller's kernel in place so that scipy's convolve2d undoes the flip."""
    kernel[:] = kernel[:, :, ::-1, ::-1].copy()
    return conv2d_flipped_scipy(x, kernel, stride, padding)


def conv2d_list(x, kernel, stride=1, padding=0):
    return conv2d_window_view(x, kernel, stride, padding).tolist()


def conv2d_no_return(x, kernel, stride=1, padding=0):
    conv2d_window_view(x, kernel, stride, padding)


def conv2d_drops_batch_axis(x, kernel, stride=1, padding=0):
    """Loops over the images but keeps only the last one's output."""
    for image in np.asarray(x, dtype=float):
        out = conv2d_window_view(image[None], kernel, stride, padding)[0]
    return out


def conv2d_stride_2_always(x, kernel, stride=1, padding=0):
    return conv2d_window_view(x, kernel, 2, padding)


# --------------------------------------------------------------------------------------------
# max_pool2d: right, written differently from the reference
# --------------------------------------------------------------------------------------------

def max_pool2d_loops(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    out = np.empty((n_img, n_ch, h // size, w // size))
    for n in range(n_img):
        for c in range(n_ch):
            for i in range(h // size):
                for j in range(w // size):
                    best = -np.inf
                    for p in range(size):
                        for q in range(size):
                            best = max(best, x[n, c, i * size + p, j * size + q])
                    out[n, c, i, j] = best
    return out


def max_pool2d_window_view(x, size):
    windows = sliding_window_view(np.asarray(x, dtype=float), (size, size), axis=(2, 3))
    h_out, w_out = x.shape[2] // size, x.shape[3] // size
    return windows[:, :, ::size, ::size][:, :, :h_out, :w_out].max(axis=(-2, -1))


def max_pool2d_two_steps(x, size):
    """Rows first, then columns: the max of maxes is the max of the window."""
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    h_out, w_out = h // size, w // size
    rows = x[:, :, :h_out * size, :w_out * size].reshape(n_img, n_ch, h_out, size, w_out * size)
    rows = rows.max(axis=3)
    return rows.reshape(n_img, n_ch, h_out, w_out, size).max(axis=4)


# --------------------------------------------------------------------------------------------
# max_pool2d: wrong
# --------------------------------------------------------------------------------------------

def max_pool2d_stride_1(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    out = np.empty((n_img, n_ch, h - size + 1, w - size + 1))
    for i in range(h - size + 1):
        for j in range(w - size + 1):
            out[:, :, i, j] = x[:, :, i:i + size, j:j + size].max(axis=(2, 3))
    return out


def max_pool2d_average(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    h_out, w_out = h // size, w // size
    return x[:, :, :h_out * size, :w_out * size].reshape(
        n_img, n_ch, h_out, size, w_out, size).mean(axis=(3, 5))


def max_pool2d_min(x, size):
    return -max_pool2d_loops(-np.asarray(x, dtype=float), size)


def max_pool2d_across_channels(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    out = np.empty((n_img, n_ch, h // size, w // size))
    for i in range(h // size):
        for j in range(w // size):
            # the window of every channel at once: axis 1 (channels) is maxed too
            out[:, :, i, j] = x[:, :, i * size:(i + 1) * size, j * size:(j + 1) * size].max(
                axis=(1, 2, 3))[:, None]
    return out


def max_pool2d_ceil(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    h_out, w_out = -(-h // size), -(-w // size)
    out = np.empty((n_img, n_ch, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = x[:, :, i * size:(i + 1) * size, j * size:(j + 1) * size].max(axis=(2, 3))
    return out


def max_pool2d_transposed(x, size):
    return max_pool2d_two_steps(x, size).swapaxes(2, 3)


def max_pool2d_rows_only(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    return x[:, :, :h // size * size].reshape(n_img, n_ch, h // size, size, w).max(axis=3)


def max_pool2d_reshape_wrong(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    h_out, w_out = h // size, w // size
    return x[:, :, :h_out * size, :w_out * size].reshape(
        n_img, n_ch, h_out, w_out, size, size).max(axis=(4, 5))


def max_pool2d_zero_start(x, size):
    x = np.asarray(x, dtype=float)
    n_img, n_ch, h, w = x.shape
    out = np.zeros((n_img, n_ch, h // size, w // size))
    for i in range(h // size):
        for j in range(w // size):
            for p in range(size):
                for q in range(size):
                    out[:, :, i, j] = np.maximum(out[:, :, i, j], x[:, :, i * size + p, j * size + q])
    return out


def max_pool2d_float32(x, size):
    return max_pool2d_two_steps(x, size).astype(np.float32)


def max_pool2d_mutates(x, size):
    """Crops x in place by overwriting the leftovers with -inf "so they never win"."""
    h, w = x.shape[2], x.shape[3]
    x[:, :, h // size * size:, :] = -np.inf
    x[:, :, :, w // size * size:] = -np.inf
    return max_pool2d_two_steps(x, size)


def max_pool2d_list(x, size):
    return max_pool2d_two_steps(x, size).tolist()


def max_pool2d_no_return(x, size):
    max_pool2d_two_steps(x, size)


RIGHT = {
    "conv2d": [conv2d_loops, conv2d_im2col, conv2d_scipy, conv2d_window_view],
    "max_pool2d": [max_pool2d_loops, max_pool2d_window_view, max_pool2d_two_steps],
}

WRONG = [
    ("conv2d", conv2d_flipped_scipy, r"CROSS-CORRELATION.*flips the kernel"),
    ("conv2d", conv2d_kernel_transposed, r"kernel's last two axes look swapped"),
    ("conv2d", conv2d_pad_top_left, r"padded one side only"),
    ("conv2d", conv2d_pad_ignored, r"the image size is wrong(.|\n)*You ignored padding"),
    ("conv2d", conv2d_pad_height_only, r"padded the height only"),
    ("conv2d", conv2d_stride_ignored, r"You ignored the stride"),
    ("conv2d", conv2d_stride_not_in_index, r"start[s]? at row i \* s"),
    ("conv2d", conv2d_forgot_plus_one, r"one row and one column short"),
    ("conv2d", conv2d_first_channel_only, r"Only the first input channel was used"),
    ("conv2d", conv2d_mean_over_channels, r"averaged over the input channels"),
    ("conv2d", conv2d_channel_axes_swapped, r"channel axes look swapped"),
    ("conv2d", conv2d_summed_over_outputs, r"summed over the output channels"),
    ("conv2d", conv2d_with_relu, r"You applied ReLU"),
    ("conv2d", conv2d_float32, r"float32.*float64"),
    ("conv2d", conv2d_flips_kernel_in_place, r"changed its input `kernel` in place"),
    ("conv2d", conv2d_list, r"not a NumPy array"),
    ("conv2d", conv2d_no_return, r"Did you forget the `return`"),
    ("conv2d", conv2d_drops_batch_axis, r"four axes \(N, C_out, H_out, W_out\)"),
    ("conv2d", conv2d_stride_2_always, r"the image size is wrong"),
    ("max_pool2d", max_pool2d_stride_1, r"Your windows overlap"),
    ("max_pool2d", max_pool2d_average, r"That is average pooling"),
    ("max_pool2d", max_pool2d_min, r"took the minimum"),
    ("max_pool2d", max_pool2d_across_channels, r"pooled across the channels"),
    ("max_pool2d", max_pool2d_ceil, r"kept the partial windows"),
    ("max_pool2d", max_pool2d_transposed, r"height and width are swapped"),
    ("max_pool2d", max_pool2d_rows_only, r"pooled down the rows only"),
    ("max_pool2d", max_pool2d_reshape_wrong, r"reshape did not cut x into windows"),
    ("max_pool2d", max_pool2d_zero_start, r"running maximum\s+started at 0"),
    ("max_pool2d", max_pool2d_float32, r"float32.*float64"),
    ("max_pool2d", max_pool2d_mutates, r"changed its input `x` in place"),
    ("max_pool2d", max_pool2d_list, r"not a NumPy array"),
    ("max_pool2d", max_pool2d_no_return, r"Did you forget the `return`"),
]
