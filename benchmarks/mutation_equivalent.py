"""The mutants of the references that no checker can kill, because they compute the same thing.

``{(exercise, mutant id): why it is equivalent}``, read by ``benchmarks/mutation.py``. A mutant
belongs here only when no input the exercise allows tells it from the reference (or it differs
only in a way the checkers accept on purpose, like a 0-d array for a float); one that differs on
an allowed input needs a new case in the checker instead. The run reports an entry whose mutant
no longer exists, or is now killed.
"""
from __future__ import annotations

#: `return out.item() if out.ndim == 0 else out` with 0 -> -1: a scalar input gives a 0-d array
_ZERO_D = ("a scalar input now returns a 0-d array instead of a float: the checkers accept "
           "either on purpose (compare_arrays)")
#: the same line with 0 -> 1 or -1, in a helper that the exercise only calls on 2-D arrays
_ITEM_2D = "the helper's scalar branch: this exercise only passes it 2-D arrays, never 0-d or 1-D"
#: the same line in weighted_sum: `float(z) if np.ndim(z) == 0 else z`
_FLOAT_0D = ("x @ w of 1-D arrays is already a NumPy float64 (a float): float() of it changes "
             "nothing")
#: reshape(-1) -> reshape(-2)
_RESHAPE = "reshape(-2): NumPy 2.4 takes any negative size as the one to infer, like reshape(-1)"
#: the stable sigmoid's branch test `z >= 0` moved
_SIGMOID_BRANCH = ("both branches compute the same sigmoid (1 / (1 + e^-z) and e^z / (1 + e^z)); "
                   "the test only picks the one without overflow, and at z = 0 both give 0.5")
#: zip(..., strict=True) -> strict=False
_STRICT = ("strict=False only stops the error on lists of different lengths, an input the "
           "exercise does not allow")
#: an (n, 1) column summed without axis, or with keepdims=False then broadcast
_ONE_COLUMN = "the array is one column (n, 1): summing it over every axis is summing over the rows"
_BROADCAST = ("the (k,) sum is added to a (1, k) bias: broadcasting gives the same (1, k) array "
              "as keepdims=True")
#: _labels_1d of the losses: (n, 1) labels and the float-labels branch
_LAST_COLUMN = "arr[:, -1] of an (n, 1) array is arr[:, 0]"
_FLOAT_LABELS = ("only float labels take another path (and are then refused): the exercise's "
                 "labels are integer class indices (the notebook's own solution indexes with them)")
#: the (k,) single-sample branch of the cross-entropies
_ONE_SAMPLE_1D = ("the (k,) single-sample branch: the exercise takes (n_samples, k) arrays only "
                  "(the notebook asks for that shape and its own solution uses axis=1)")
_BRANCH_REDUNDANT = ("the (k,) branch is redundant: with it or without it -sum(..., axis=-1) then "
                     "the mean give the same number for (k,) and for (n, k) arrays")
_AXIS_2D = "the array is always 2-D at this point, so axis=1 is axis=-1"

#: train_digits_mlp is graded on what it learns, by design
_DIGITS_FREE = ("a default (or He's scale) the checker does not fix on purpose: it grades what "
                "the network learns, and the corpus's right answers use other defaults and "
                "Xavier weights")
_SHIFT = ("the shift of the logits only guards exp against overflow; the digits network's logits "
          "stay far from it, so any shift (or none) gives the same loss and gradients")

EQUIVALENT: dict[tuple[str, str], str] = {
    # lesson 01
    ("weighted_sum", "weighted_sum:8:constant:0→-1"): _FLOAT_0D,
    ("neuron", "weighted_sum:8:constant:0→-1"): _FLOAT_0D,
    ("sigmoid", "sigmoid:9:constant:0→-1"): _ZERO_D,
    ("neuron", "sigmoid:9:constant:0→-1"): _ZERO_D,
    ("relu", "relu:3:constant:0→-1"): _ZERO_D,
    ("tanh", "tanh:9:constant:0→-1"): _ZERO_D,
    ("sigmoid", "sigmoid:8:compare:>=→>"): _SIGMOID_BRANCH,
    ("neuron", "sigmoid:8:compare:>=→>"): _SIGMOID_BRANCH,
    # lesson 02
    ("init_params", "init_params:9:drop:a/b→a"): (
        "std 1 instead of 1/sqrt(n_in): the exercise leaves the scale free (\"small random "
        "values, e.g. std 1/sqrt(n_in)\"; the checker itself suggests rng.normal(size=...))"),
    ("init_params", "init_params:9:constant:1.0→2.0"): (
        "std 2/sqrt(n_in): the exercise leaves the scale of the small random weights free"),
    ("forward", "forward:10:constant:True→False"): _STRICT,
    # lesson 03
    ("one_hot", "_labels_1d:4:constant:0→-1"): _LAST_COLUMN,
    ("one_hot", "_labels_1d:7:compare:==→!="): _FLOAT_LABELS,
    ("softmax_cross_entropy", "_labels_1d:4:constant:0→-1"): _LAST_COLUMN,
    ("softmax_cross_entropy", "_labels_1d:7:compare:==→!="): _FLOAT_LABELS,
    ("categorical_cross_entropy", "categorical_cross_entropy:13:compare:==→!="): _BRANCH_REDUNDANT,
    ("categorical_cross_entropy", "categorical_cross_entropy:13:constant:1→0"): _BRANCH_REDUNDANT,
    ("categorical_cross_entropy", "categorical_cross_entropy:13:constant:1→2"): _BRANCH_REDUNDANT,
    ("categorical_cross_entropy", "categorical_cross_entropy:14:slice:lower +1"): _ONE_SAMPLE_1D,
    ("categorical_cross_entropy", "categorical_cross_entropy:14:slice:upper -1"): _ONE_SAMPLE_1D,
    ("categorical_cross_entropy", "categorical_cross_entropy:14:slice:lower +1#2"): _ONE_SAMPLE_1D,
    ("categorical_cross_entropy", "categorical_cross_entropy:14:slice:upper -1#2"): _ONE_SAMPLE_1D,
    ("categorical_cross_entropy", "categorical_cross_entropy:15:constant:1.0→2.0"): (
        "clipping at 2 instead of 1 only changes probabilities above 1, which are not "
        "probabilities"),
    ("categorical_cross_entropy", "categorical_cross_entropy:16:unary:-a→a#2"): _AXIS_2D,
    ("softmax_cross_entropy", "log_softmax:8:unary:-a→a"): _AXIS_2D,
    ("softmax_cross_entropy", "log_softmax:9:unary:-a→a"): _AXIS_2D,
    ("softmax_cross_entropy", "softmax_cross_entropy:11:constant:1→0"): _ONE_SAMPLE_1D,
    ("softmax_cross_entropy", "softmax_cross_entropy:12:slice:upper -1"): _ONE_SAMPLE_1D,
    ("softmax_cross_entropy", "softmax_cross_entropy:12:slice:lower +1"): _ONE_SAMPLE_1D,
    ("softmax_cross_entropy", "softmax_cross_entropy:12:constant:1→0"): _ONE_SAMPLE_1D,
    ("softmax_cross_entropy", "softmax_cross_entropy:12:constant:1→2"): _ONE_SAMPLE_1D,
    # lesson 04
    ("sigmoid_derivative", "sigmoid_derivative:9:constant:0→-1"): _ZERO_D,
    ("relu_derivative", "relu_derivative:6:constant:0→-1"): _ZERO_D,
    ("numerical_gradient", "numerical_gradient:12:unary:nota→a"): (
        "x is then always copied: the exercise allows working on copies of x (f is always "
        "given the array; x is left as it was either way)"),
    ("numerical_gradient", "numerical_gradient:12:boolop:and→or"): (
        "the test only decides whether a float64 array is copied first; x is a float64 array "
        "in this exercise, and working on a copy is allowed"),
    ("numerical_gradient", "numerical_gradient:12:compare:==→!="): (
        "a float64 array is copied first: the exercise allows working on copies of x"),
    **{(name, f"{helper}:{line}:constant:0→{k}"): _ITEM_2D
       for name in ("dense_backward", "backward")
       for helper, line in (("sigmoid_derivative", 9), ("relu_derivative", 6))
       for k in (1, -1)},
    ("repaired_backward", "sigmoid_derivative:9:constant:0→1"): _ITEM_2D,
    ("repaired_backward", "sigmoid_derivative:9:constant:0→-1"): _ITEM_2D,
    ("repaired_backward", "repaired_backward:17:axis:axis=0→dropped"): _ONE_COLUMN,
    ("gradient_descent_step", "gradient_descent_step:8:constant:True→False"): _STRICT,
    # lesson 05
    ("xor_step", "xor_step:21:keepdims:True→False"): _BROADCAST,
    ("xor_step", "xor_step:23:keepdims:True→False"): _BROADCAST,
    ("xor_step", "xor_step:23:axis:axis=0→dropped"): _ONE_COLUMN,
    ("softmax_cross_entropy_grad", "softmax_cross_entropy_grad:9:constant:1→2"): _RESHAPE,
    ("train_xor", "train_xor:32:axis:axis=0→dropped"): _ONE_COLUMN,
    ("train_xor", "train_xor:32:keepdims:True→False"): _BROADCAST,
    ("train_xor", "train_xor:34:keepdims:True→False"): _BROADCAST,
    **{("train_digits_mlp", ident): _DIGITS_FREE for ident in (
        "he_init:6:constant:2.0→4.0", "train_digits_mlp:0:constant:64→65",
        "train_digits_mlp:0:constant:64→63", "train_digits_mlp:1:constant:30→31",
        "train_digits_mlp:1:constant:30→29", "train_digits_mlp:1:constant:0.2→0.4",
        "train_digits_mlp:1:constant:32→33", "train_digits_mlp:1:constant:32→31",
        "train_digits_mlp:2:constant:0→1")},
    ("train_digits_mlp", "train_digits_mlp:19:constant:1→2"): _RESHAPE,
    **{("train_digits_mlp", f"train_digits_mlp:34:{ident}"): _SHIFT for ident in (
        "binop:-→+", "drop:a-b→a", "axis:axis=1→dropped", "reduction:max→min")},
    ("train_digits_mlp", "train_digits_mlp:38:constant:0→-1"): _LAST_COLUMN.replace(
        "arr", "sums"),
    ("train_digits_mlp", "train_digits_mlp:43:keepdims:True→False"): _BROADCAST,
    ("train_digits_mlp", "train_digits_mlp:46:keepdims:True→False"): _BROADCAST,
    ("train_digits_mlp", "train_digits_mlp:44:compare:>→>="): (
        "relu'(0): Z1 = X @ W1 + b1 with random real weights is never exactly 0 on the digits"),
    ("perceptron_train", "perceptron_train:14:constant:1→2"): _RESHAPE,
    ("perceptron_train", "perceptron_train:20:compare:>→>="): (
        "step(0) = 1 instead of 0: the checker accepts either convention on purpose (its "
        "properties hold for both; the notebook leaves step(0) to the student)"),
    ("perceptron_train", "perceptron_train:22:binop:*→/#2"): (
        "lr / (y - y_hat) for lr * (y - y_hat): an update happens only when y - y_hat is +1 or -1"),
    ("perceptron_train", "perceptron_train:23:binop:*→/"): (
        "lr / (y - y_hat) for lr * (y - y_hat): an update happens only when y - y_hat is +1 or -1"),
    # lesson 06
    ("lstm_cell_forward", "_sigmoid:3:compare:>=→>"): _SIGMOID_BRANCH,
    ("gru_cell_forward", "_sigmoid:3:compare:>=→>"): _SIGMOID_BRANCH,
    ("vae_kl", "vae_kl:7:unary:-a→a#2"): (
        "axis=1 for axis=-1: mu and logvar are (n, k) in this exercise"),
    # lesson 07
    **{(name, "_binary:1:constant:1→2"): _RESHAPE
       for name in ("precision_recall_f1", "confusion_matrix", "threshold_for_recall")},
    ("precision_recall_f1", "precision_recall_f1:11:drop:a+b→a"): (
        "`if tp` for `if tp + fp`: when tp is 0 the precision is 0.0 either way"),
    ("precision_recall_f1", "precision_recall_f1:12:drop:a+b→a"): (
        "`if tp` for `if tp + fn`: when tp is 0 the recall is 0.0 either way"),
    ("precision_recall_f1", "precision_recall_f1:13:drop:a+b→a"): (
        "`if precision` for `if precision + recall`: precision is 0 only when tp is 0, and then "
        "recall is 0 too"),
    ("precision_recall_f1", "precision_recall_f1:13:drop:a+b→b"): (
        "`if recall` for `if precision + recall`: recall is 0 only when tp is 0, and then "
        "precision is 0 too"),
    ("threshold_for_recall", "threshold_for_recall:5:constant:1→2"): _RESHAPE,
    ("threshold_for_recall", "threshold_for_recall:7:constant:1e-09→2e-09"): (
        "the guard against rounding in target_recall * n_positives: its float error is about "
        "1e-15 of the product, so 1e-9 or 2e-9 both absorb it; they differ only for a target "
        "within 2e-9 of a fraction k / n_positives, not a recall anyone asks for"),
    ("threshold_for_recall", "threshold_for_recall:8:constant:1→0"): (
        "max(needed, 0): differs only when target_recall is 0, and the exercise takes a target "
        "in (0, 1]"),
    ("attention_weights", "attention_weights:8:unary:-a→a"): (
        "k.shape[1] for k.shape[-1]: the keys are always (n_keys, d)"),
    ("balanced_class_weights", "balanced_class_weights:3:constant:1→2"): _RESHAPE,
    ("average_precision", "average_precision:4:constant:1→2"): _RESHAPE,
    ("average_precision", "average_precision:5:constant:1→2"): _RESHAPE,
    ("average_precision", "average_precision:8:constant:0→-1"): (
        "np.nonzero of a 1-D array returns a 1-tuple: [-1] is [0]"),
    # lesson 08
    ("copy_torch_to_keras", "copy_torch_to_keras:11:constant:True→False"): _STRICT,
    ("Value", "_sigmoid:2:compare:>=→>"): _SIGMOID_BRANCH,
    ("Value", "_sigmoid:2:constant:0→1"): _SIGMOID_BRANCH,
    ("Value", "_sigmoid:2:constant:0→-1"): _SIGMOID_BRANCH,
}
