# dlcourse: `make lab` to study, `make test` to run every test. Both create .venv when needed.
PYTHON ?= python3
# the repository: what `pip install -e` installs, also when make runs elsewhere with -f (the tests)
HERE   := $(patsubst %/,%,$(dir $(abspath $(firstword $(MAKEFILE_LIST)))))
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_ARGS ?=
# JupyterLab refuses to run as root unless told to (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
export PATH := $(abspath $(BIN)):$(PATH)
# the course's JupyterLab settings (no news pop-up), where JupyterLab reads default overrides
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
# GPU=1 (make lab GPU=1, make test GPU=1): the CUDA builds of PyTorch, TensorFlow and JAX, at the
# versions pyproject.toml pins; without it everything stays on the CPU builds.
GPU ?=
TORCH_CUDA ?= cu130
TORCH_INDEX ?= https://download.pytorch.org/whl/$(TORCH_CUDA)
GPU_STAMP := $(VENV)/.installed-gpu
pin = $(shell sed -n 's/^ *"$(1)==\([^"]*\)",.*/\1/p' pyproject.toml)
# the proxy in front of the course's JupyterHub, from npm (deploy/jupyterhub/package-lock.json)
HUB_DIR := deploy/jupyterhub
CHP := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy
ENV_READY := $(STAMP) $(LAB_SETTINGS) $(if $(filter 1 yes true,$(GPU)),$(GPU_STAMP))

.PHONY: lab instructor test check lessons site hub hub-install grade benchmark mutation clean-env help

help:
	@echo "make lab         open JupyterLab on lessons/ (creates $(VENV) on first use)"
	@echo "make lab GPU=1   the same with the CUDA builds of PyTorch, TensorFlow and JAX [TORCH_CUDA=cu130]"
	@echo "make test        run every test (creates $(VENV) on first use)"
	@echo "make check NB=lessons/01-neuron [CHECK_ARGS=--json]"
	@echo "                 check a notebook (or a folder) the way the grader will (python -m dlcourse check --help)"
	@echo "make lessons     regenerate lessons/ from solutions/ with nbgrader"
	@echo "make site        build the course website into _build/html [SITE_REPOSITORY=https://github.com/OWNER/REPO]"
	@echo "make instructor  open JupyterLab at the course root, with nbgrader's formgrader"
	@echo "make hub-install (root) what the course's JupyterHub needs on a fresh Debian machine"
	@echo "make hub         (root) run the course's JupyterHub (deploy/jupyterhub/jupyterhub_config.py)"
	@echo "make grade ASSIGNMENT=01-neuron [SUBMISSIONS=submitted] [GRADE_ARGS=...]"
	@echo "                 grade every submission in parallel, sandboxed (python -m autograder grade --help)"
	@echo "make benchmark   run the benchmarks in benchmarks/ (about half an hour on 2 cores)"
	@echo "make mutation    mutation-test every checker (MUTATION_ARGS='--slow', '--exercises relu,softmax',"
	@echo "                 '--markdown report.md'; benchmarks/mutation.py --help)"

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "dlcourse needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e "$(HERE)[test,site,hub]"
	touch $(STAMP)

$(LAB_SETTINGS): jupyterlab-settings/overrides.json $(STAMP)
	$(BIN)/python -m dlcourse.lab_settings

# tensorflow-cpu and tensorflow share their files: remove one, then reinstall the other's files
$(GPU_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet "torch==$(call pin,torch)+$(TORCH_CUDA)" --index-url $(TORCH_INDEX)
	$(BIN)/python -m pip uninstall --quiet -y tensorflow-cpu
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps "tensorflow==$(call pin,tensorflow-cpu)"
	$(BIN)/python -m pip install --quiet "tensorflow[and-cuda]==$(call pin,tensorflow-cpu)" "jax[cuda12]==$(call pin,jax)"
	touch $(GPU_STAMP)

lab: $(ENV_READY)
	$(BIN)/jupyter lab --ServerApp.root_dir=lessons --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

instructor: $(ENV_READY)
	$(BIN)/jupyter lab --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

test: $(ENV_READY) $(CHP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# check a student's notebook (or every notebook of a folder) as the grader will; exit 1 if anything fails
check: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make check NB=<notebook or folder> [CHECK_ARGS='--json --timeout 60']"; exit 2; }
	$(BIN)/python -m dlcourse check $(NB) $(CHECK_ARGS)

lessons: $(STAMP)
	$(BIN)/python -m autograder.lessons

$(CHP): $(HUB_DIR)/package.json $(HUB_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install nodejs npm (or make hub-install)"; exit 1; }
	npm ci --prefix $(HUB_DIR) --no-audit --no-fund --loglevel=error
	touch $(CHP)

hub-install:
	bash $(HUB_DIR)/install.sh

# as root: DLCOURSE_HUB_ROSTER=roster.txt DLCOURSE_HUB_INSTRUCTORS=name make hub (README: JupyterHub)
hub: $(ENV_READY) $(CHP)
	$(BIN)/jupyterhub -f $(HUB_DIR)/jupyterhub_config.py

# the course website: student notebooks with a reference run's outputs (website/build.py)
SITE_REPOSITORY ?=
site: $(STAMP)
	$(BIN)/python -m website.build $(if $(SITE_REPOSITORY),--repository $(SITE_REPOSITORY))

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
