"""Plain data across a process boundary: the only thing the grader accepts from student code.

The verifier (``autograder.answer_runner``) runs the student's functions in a sandboxed process
and sends back what they returned. Whatever it sends is written by code the student controls, so
the grader reads it as data and nothing else: JSON, with NumPy arrays as ``.npy`` bytes read with
``allow_pickle=False``. No pickle, no object the student could shape: a result that is not plain
data arrives as a :class:`Foreign` stand-in that only knows its type's name.

Messages are framed as an 8-byte big-endian length followed by UTF-8 JSON.

Encoding (``encode`` / ``decode``)::

    None, bool, int, float, str   as JSON (NaN and infinities as JSON's NaN / Infinity)
    list                          a JSON list
    tuple                         {"$tuple": [...]}
    dict                          {"$dict": [[key, value], ...]}
    numpy array (numeric, str)    {"$array": "<base64 .npy>"}
    numpy array of objects        {"$objects": [shape, [item, ...]]}
    numpy scalar                  {"$scalar": "<base64 .npy of a 0-d array>"}
    a callable the grader lends   {"$callable": handle, "name": "relu"}    (grader -> runner only)
    anything else                 {"$object": "TypeName", "repr": "<at most 200 characters>"}
"""
from __future__ import annotations

import base64
import io
import json
import re
import struct
from typing import Any, BinaryIO, Callable

import numpy as np

#: the largest message either side accepts (a digits training set is 1 MB)
MAX_MESSAGE = 64 << 20
#: the deepest nesting accepted from the other side
MAX_DEPTH = 64
#: array dtypes accepted from the other side: booleans, numbers, strings
_DTYPE_KINDS = "biufcUS"
_HEADER = struct.Struct(">Q")


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message."""


class Foreign:
    """What the student's code returned, when it was not plain data: only its type name and a
    short repr (text the student chose, shown as text and never evaluated)."""

    def __init__(self, repr_text: str = ""):
        self._repr = repr_text

    def __repr__(self) -> str:
        return self._repr or f"<{type(self).__name__} object>"


_FOREIGN_TYPES: dict[str, type] = {}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def foreign(type_name: str, repr_text: str = "") -> Foreign:
    """A stand-in whose ``type(...).__name__`` is ``type_name`` (when it is a plain identifier),
    so that a checker's message names the type the student returned ("a Tensor")."""
    name = type_name if isinstance(type_name, str) and _IDENTIFIER.match(type_name) else "object"
    cls = _FOREIGN_TYPES.get(name)
    if cls is None:
        cls = _FOREIGN_TYPES[name] = type(name, (Foreign,), {})
    return cls(str(repr_text)[:200])


# -- encoding ----------------------------------------------------------------------------------

def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _short_repr(value: Any) -> str:
    try:
        return repr(value)[:200]
    except Exception:
        return ""


def encode(value: Any, callables: Callable[[Any], int] | None = None, _depth: int = 0) -> Any:
    """``value`` as JSON-ready plain data. ``callables(fn)`` gives a handle for each callable
    (the grader lends its functions to the student's code); without it a callable is foreign."""
    if _depth > MAX_DEPTH:
        return {"$object": type(value).__name__, "repr": "(nested too deeply)"}
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O":
            items = [encode(v, callables, _depth + 1) for v in value.reshape(-1).tolist()]
            return {"$objects": [list(value.shape), items]}
        if value.dtype.kind in _DTYPE_KINDS:
            return {"$array": _npy(np.asarray(value))}
    elif isinstance(value, np.generic) and value.dtype.kind in _DTYPE_KINDS:
        return {"$scalar": _npy(np.asarray(value))}
    elif kind is list:
        return [encode(v, callables, _depth + 1) for v in value]
    elif kind is tuple:
        return {"$tuple": [encode(v, callables, _depth + 1) for v in value]}
    elif kind is dict:
        return {"$dict": [[encode(k, callables, _depth + 1), encode(v, callables, _depth + 1)]
                          for k, v in value.items()]}
    elif callables is not None and callable(value):
        return {"$callable": callables(value), "name": str(getattr(value, "__name__", "f"))}
    return {"$object": kind.__name__, "repr": _short_repr(value)}


# -- decoding ----------------------------------------------------------------------------------

def _load_npy(text: Any) -> np.ndarray:
    if not isinstance(text, str):
        raise ProtocolError("an array that is not base64 text")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except Exception as exc:
        raise ProtocolError(f"an unreadable array ({type(exc).__name__})") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in _DTYPE_KINDS:
        raise ProtocolError("an array of an unsupported dtype")
    return array


def decode(data: Any, callback: Callable[[int, str], Any] | None = None, _depth: int = 0) -> Any:
    """The value that :func:`encode` described. ``callback(handle, name)`` makes the stand-in
    for a lent callable (runner side only); on the grader's side a callable is refused."""
    if _depth > MAX_DEPTH:
        raise ProtocolError("nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(v, callback, _depth + 1) for v in data]
    if kind is not dict or len(data) not in (1, 2):
        raise ProtocolError(f"an unexpected {kind.__name__}")
    if "$array" in data:
        return _load_npy(data["$array"])
    if "$scalar" in data:
        array = _load_npy(data["$scalar"])
        if array.ndim != 0:
            raise ProtocolError("a scalar that is not 0-d")
        return array[()]
    if "$tuple" in data and isinstance(data["$tuple"], list):
        return tuple(decode(v, callback, _depth + 1) for v in data["$tuple"])
    if "$dict" in data and isinstance(data["$dict"], list):
        out = {}
        for pair in data["$dict"]:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ProtocolError("a malformed dict entry")
            key = decode(pair[0], callback, _depth + 1)
            try:
                out[key] = decode(pair[1], callback, _depth + 1)
            except TypeError:  # an unhashable key
                raise ProtocolError("a dict key that cannot be a key") from None
        return out
    if "$objects" in data:
        shape, items = _objects_parts(data["$objects"])
        array = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):
            array[i] = decode(item, callback, _depth + 1)
        return array.reshape(shape)
    if "$callable" in data:
        if callback is None or not isinstance(data["$callable"], int):
            return foreign("function", f"<function {str(data.get('name', ''))[:60]}>")
        return callback(data["$callable"], str(data.get("name", "f"))[:60])
    if "$object" in data:
        return foreign(str(data["$object"])[:64], data.get("repr", ""))
    raise ProtocolError(f"an unknown tag {sorted(data)[:2]}")


def _objects_parts(parts: Any) -> tuple[tuple[int, ...], list]:
    if not (isinstance(parts, list) and len(parts) == 2 and isinstance(parts[0], list)
            and isinstance(parts[1], list)):
        raise ProtocolError("a malformed object array")
    shape = parts[0]
    if not all(type(n) is int and 0 <= n for n in shape) or len(shape) > 32:
        raise ProtocolError("a malformed object array shape")
    if int(np.prod(shape, dtype=np.int64)) != len(parts[1]):
        raise ProtocolError("an object array whose shape does not fit its items")
    return tuple(shape), parts[1]


# -- framing -----------------------------------------------------------------------------------

def dumps(message: dict) -> bytes:
    body = json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_MESSAGE:
        raise ProtocolError(f"a message of {len(body)} bytes (at most {MAX_MESSAGE})")
    return _HEADER.pack(len(body)) + body


def write_message(stream: BinaryIO, message: dict) -> None:
    stream.write(dumps(message))
    stream.flush()


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(stream: BinaryIO) -> dict:
    """The next message; :class:`EOFError` when the other side is gone, :class:`ProtocolError`
    when what came is not a message."""
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    if size > MAX_MESSAGE:
        raise ProtocolError(f"a message of {size} bytes (at most {MAX_MESSAGE})")
    try:
        message = json.loads(_read_exactly(stream, size).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError("a message that is not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message that is not a JSON object")
    return message
