# dlcourse: `make lab` to study, `make test` to run every test. Both create .venv when needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told to (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: lab instructor test lessons grade benchmark mutation clean-env help

help:
	@echo "make lab         open JupyterLab on lessons/ (creates $(VENV) on first use)"
	@echo "make test        run every test (creates $(VENV) on first use)"
	@echo "make lessons     regenerate lessons/ from solutions/ with nbgrader"
	@echo "make instructor  open JupyterLab at the course root, with nbgrader's formgrader"
	@echo "make grade ASSIGNMENT=01-neuron [SUBMISSIONS=submitted] [GRADE_ARGS=...]"
	@echo "                 grade every submission in parallel, sandboxed (python -m autograder grade --help)"
	@echo "make benchmark   run the benchmarks in benchmarks/ (about half an hour on 2 cores)"
	@echo "make mutation    mutation-test every checker (MUTATION_ARGS='--slow', '--exercises relu,softmax',"
	@echo "                 '--markdown report.md'; benchmarks/mutation.py --help)"

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "dlcourse needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=lessons --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

instructor: $(STAMP)
	$(BIN)/jupyter lab --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lessons: $(STAMP)
	$(BIN)/python -m autograder.lessons

# grade all submissions of one assignment: make grade ASSIGNMENT=01-neuron SUBMISSIONS=~/lms-download
SUBMISSIONS ?= submitted
grade: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make grade ASSIGNMENT=<id> [SUBMISSIONS=<folder>] [GRADE_ARGS='--workers 4 ...']"; exit 2; }
	$(BIN)/python -m autograder grade $(ASSIGNMENT) $(SUBMISSIONS) $(GRADE_ARGS)

benchmark: $(STAMP)
	$(BIN)/python benchmarks/mlp_numpy_vs_torch.py
	$(BIN)/python benchmarks/framework_speed.py
	$(BIN)/python benchmarks/grading_speed.py

# a report, not a timed test: each checker run on every single-change mutant of its reference
MUTATION_ARGS ?=
mutation: $(STAMP)
	nice -n 15 $(BIN)/python benchmarks/mutation.py --jobs 2 $(MUTATION_ARGS)

clean-env:
	rm -rf $(VENV)
