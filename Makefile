# The README's two commands. Both set everything up first (idempotent), then act.
.PHONY: run test check setup train-detector train-nlu

VENV ?= .venv
XVFB := $(shell if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then echo "xvfb-run -a -s '-screen 0 1280x1024x24'"; fi)

setup:
	@bash scripts/setup.sh

run: setup
	$(XVFB) $(VENV)/bin/desktop-app

# Test files run in parallel, one worker per core up to four (pytest-xdist; a file stays on one worker,
# so its module fixtures are built once); TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto

test: setup check
	$(XVFB) $(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile

# The architecture held by tools (docs/architecture.md): import contracts, lint, types.
check: setup
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Regenerates the synthetic parts data and retrains the detector (CPU, no network; not part of test).
train-detector: setup
	$(XVFB) nice -n 10 $(VENV)/bin/python tools/train_detector.py

# Rebuilds the intent and emotion models from desktop_app/nlu/data (the app also does it on a cache miss).
train-nlu: setup
	$(VENV)/bin/python tools/train_nlu.py --force
