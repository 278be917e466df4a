"""Lesson 06a references: a convolutional layer's two operations, in NumPy.

Shapes follow PyTorch (``torch.nn.functional.conv2d`` / ``max_pool2d``): images are
``(N, C, H, W)`` (samples, channels, height, width) and kernels ``(C_out, C_in, kH, kW)``.
"""
from __future__ import annotations

import numpy as np


def conv2d(x, kernel, stride=1, padding=0):
    """2-D convolution as deep learning means it (a cross-correlation: the kernel is not flipped).

    x: (N, C_in, H, W); kernel: (C_out, C_in, kH, kW); ``padding`` zeros on every side;
    ``stride`` steps in both directions. Returns (N, C_out, H_out, W_out) with
    ``H_out = (H + 2 * padding - kH) // stride + 1`` (the same for W):
    ``out[n, o, i, j] = sum over c, p, q of xp[n, c, i*stride + p, j*stride + q] * kernel[o, c, p, q]``.
    """
    x = np.asarray(x, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    stride, padding = int(stride), int(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, height, width = xp.shape
    c_out, _, kh, kw = kernel.shape
    h_out = (height - kh) // stride + 1
    w_out = (width - kw) // stride + 1
    out = np.zeros((n, c_out, h_out, w_out))
    for p in range(kh):
        for q in range(kw):
            # the input pixels that kernel position (p, q) meets, for every output position
            patch = xp[:, :, p:p + stride * h_out:stride, q:q + stride * w_out:stride]
            out += np.einsum("nchw,oc->nohw", patch, kernel[:, :, p, q])
    return out


def max_pool2d(x, size):
    """Max pooling over non-overlapping ``size`` x ``size`` windows (stride = size).

    x: (N, C, H, W) -> (N, C, H // size, W // size); rows and columns that do not fill a whole
    window are dropped, as PyTorch does. Every channel is pooled on its own.
    """
    x = np.asarray(x, dtype=np.float64)
    size = int(size)
    n, c, height, width = x.shape
    h_out, w_out = height // size, width // size
    windows = x[:, :, :h_out * size, :w_out * size].reshape(n, c, h_out, size, w_out, size)
    return windows.max(axis=(3, 5))
