"""``autograder.plaindata``: what crosses from the student's process to the grader is data only."""
from __future__ import annotations

import base64
import io
import json
import pickle
import struct

import numpy as np
import pytest

from autograder import plaindata
from autograder.plaindata import ProtocolError, decode, encode
from dlcourse.checks.core import compare_arrays, describe


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value), allow_nan=True)))


@pytest.mark.parametrize("value", [
    None, True, 3, 2**80, -0.5, "text", [1, 2.5], (1, (2, 3)), {"a": 1, 2: [3]},
    np.float64(0.25), np.int32(7), np.bool_(True),
])
def test_plain_values_come_back_equal_and_of_the_same_type(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_arrays_come_back_with_shape_dtype_and_values():
    for array in (np.arange(6.0).reshape(2, 3), np.array(3.5), np.array([1, 2], dtype=np.int32),
                  np.array([[np.nan, np.inf]]), np.array(["a", "bc"]), np.zeros((0, 4)),
                  np.arange(12.0).reshape(3, 4).T):
        got = roundtrip(array)
        assert isinstance(got, np.ndarray) and got.shape == array.shape
        assert got.dtype == array.dtype and np.array_equal(got, array, equal_nan=array.dtype.kind == "f")


def test_nan_and_infinity_survive_as_numbers():
    got = roundtrip([float("nan"), float("inf")])
    assert np.isnan(got[0]) and got[1] == float("inf")


def test_an_object_array_keeps_its_items_as_plain_data():
    array = np.empty(2, dtype=object)
    array[0], array[1] = np.zeros(2), [1, 2]
    got = roundtrip(array)
    assert got.dtype == object and np.array_equal(got[0], np.zeros(2)) and got[1] == [1, 2]


def test_anything_else_becomes_a_foreign_stand_in_named_by_its_type():
    class Tensor:
        def __eq__(self, other):  # an answer that claims to equal everything
            return True

        def __repr__(self):
            return "tensor([0.5])"

    got = roundtrip(Tensor())
    assert isinstance(got, plaindata.Foreign) and type(got).__name__ == "Tensor"
    assert got != 0.5  # its __eq__ stayed behind
    message = compare_arrays(np.array([0.5]), got)
    assert "should be a NumPy array" in message and "Tensor" in message
    assert "generator" in describe(roundtrip((x for x in [])))


def test_a_subclassed_array_arrives_as_a_plain_array_of_its_values():
    class Sly(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, dtype=bool)

    got = roundtrip(np.zeros(3).view(Sly))
    assert type(got) is np.ndarray and not np.array_equal(got, np.ones(3))


def _npy_b64(array, allow_pickle=False) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("data, why", [
    ({"$array": _npy_b64(np.array([object()], dtype=object), allow_pickle=True)}, "unreadable"),
    ({"$array": base64.b64encode(pickle.dumps([1, 2])).decode()}, "unreadable"),
    ({"$array": "not base64!"}, "unreadable"),
    ({"$array": _npy_b64(np.zeros(2, dtype=[("a", "f8")]))}, "unsupported dtype"),
    ({"$scalar": _npy_b64(np.zeros(2))}, "not 0-d"),
    ({"$objects": [[3], [1, 2]]}, "does not fit"),
    ({"$objects": [[-1], []]}, "shape"),
    ({"$dict": [[[1], 2]]}, "cannot be a key"),
    ({"$eval": "__import__('os').system('true')"}, "unknown tag"),
    ({"a": 1, "b": 2, "c": 3}, "unexpected dict"),
])
def test_malformed_or_hostile_data_is_refused(data, why):
    with pytest.raises(ProtocolError, match=why):
        decode(data)


def test_nesting_deeper_than_the_limit_is_refused():
    data = 1
    for _ in range(plaindata.MAX_DEPTH + 5):
        data = [data]
    with pytest.raises(ProtocolError, match="nested too deeply"):
        decode(data)


def test_a_callable_from_the_student_is_never_called_by_the_grader():
    got = decode({"$callable": 1, "name": "os.system"})
    assert isinstance(got, plaindata.Foreign) and type(got).__name__ == "function"


def test_framing_refuses_oversized_and_non_json_messages():
    with pytest.raises(ProtocolError, match="bytes"):
        plaindata.read_message(io.BytesIO(struct.pack(">Q", plaindata.MAX_MESSAGE + 1)))
    with pytest.raises(ProtocolError, match="not JSON"):
        plaindata.read_message(io.BytesIO(struct.pack(">Q", 3) + b"\xff\xfe\x00"))
    with pytest.raises(ProtocolError, match="not a JSON object"):
        plaindata.read_message(io.BytesIO(struct.pack(">Q", 2) + b"[]"))
    with pytest.raises(EOFError):
        plaindata.read_message(io.BytesIO(struct.pack(">Q", 10) + b"{}"))
    stream = io.BytesIO()
    plaindata.write_message(stream, {"op": "call", "args": encode((np.ones(2),))})
    stream.seek(0)
    assert plaindata.read_message(stream)["op"] == "call"
