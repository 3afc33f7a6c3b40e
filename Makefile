# The front door: every target does its own set-up, so each works on a fresh clone.
#   make run    the endpoint on http://127.0.0.1:3000, on an embedded AWS emulator
#   make test   lint, type checks and every test
#   make check  lint, type checks and the fast tests (not marked slow), under a minute: the edit-test loop
#   make synth  the CloudFormation template in cdk.out/ (no AWS credentials, no Docker), cdk-nag and cfn-lint
#   make bench  speed and cost against the naive handler (a report, not a test); updates docs/performance.md
#   make mutate mutation testing of lambda/ against the unit and integration tests (a report); updates docs/testing.md
#   make preflight [CONTEXT='-c key=value ...']   read-only checks of the AWS account before `cdk deploy`
#   make smoke ENDPOINT_URL=https://... [ORIGIN=https://app.example.com] [COGNITO_ENDPOINT=<CognitoEndpointUrl>]
#               probes a deployed endpoint (and the Cognito door)
# PYTHON picks the interpreter for the virtual environment (3.11 or newer).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian's Android org.json, which the Kotlin client compiles and runs against (tests/e2e/test_kotlin_client.py).
ANDROID_JSON := /usr/share/java/json-android.jar

# Checked when the Makefile is read, before any target installs anything: an interpreter older than 3.11 would
# install every package and then fail on an import. A virtual environment made by another interpreter (another
# version, or one since removed) is made again, so its packages match the Python that runs them.
INTERPRETER := import sys; print(sys.base_prefix, *sys.version_info[:2])
ifeq ($(filter clean,$(MAKECMDGOALS)),)
ifneq ($(shell $(PYTHON) -c 'import sys; print(int(sys.version_info >= (3, 11)))' 2>/dev/null),1)
$(error $(PYTHON) is "$(shell $(PYTHON) --version 2>&1)": this project needs Python 3.11 or newer; run e.g. make PYTHON=python3.12 $(MAKECMDGOALS))
endif
ifneq ($(wildcard $(BIN)/python),)
ifneq ($(shell $(BIN)/python -c '$(INTERPRETER)' 2>/dev/null),$(shell $(PYTHON) -c '$(INTERPRETER)'))
$(info $(VENV) was made with another Python interpreter than $(PYTHON): making it again)
$(shell rm -rf $(VENV))
endif
endif
endif
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
NODE_STAMP := node_modules/.installed
CDK := node_modules/.bin/cdk

# jsii (under aws-cdk-lib) prints a screen-wide banner on Node 20, which some machines still have; it is harmless
# for synthesis (Node 22 or 24 is better, and needs nothing of this).
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: run test check lint format unit e2e synth openapi validators bench mutate chromium jvm valgrind clean preflight smoke

$(RUNTIME_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The CDK CLI, pinned in package.json to a release that reads this aws-cdk-lib's cloud assembly.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

run: $(RUNTIME_STAMP)
	$(BIN)/python -m local

test: lint chromium jvm $(NODE_STAMP)
	$(BIN)/python -m pytest

# The fast tier: every test but those marked slow (synthesis, load, timing, the browser, Kotlin, bytecode, time-outs,
# servers of their own; pyproject.toml registers the marker). `make test` still runs them all.
check: lint
	$(BIN)/python -m pytest -m "not slow"

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline). Installed
# here when missing and we are root, as in CI; elsewhere the browser tests skip and say how to install it.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "note: /usr/bin/chromium is missing; the browser tests will skip (sudo apt-get install chromium)"; \
	  fi; \
	fi

# The Kotlin client is compiled (npm kotlin-compiler, in package.json) and run on a JVM against Android's org.json,
# both from Debian: installed here when missing and we are root, as in CI; elsewhere those tests skip and say why.
jvm:
	@if ! command -v java >/dev/null || [ ! -f $(ANDROID_JSON) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      default-jdk-headless libandroid-json-org-java >/dev/null; \
	  else \
	    echo "note: java or $(ANDROID_JSON) is missing; the Kotlin client tests will skip (sudo apt-get install default-jdk-headless libandroid-json-org-java)"; \
	  fi; \
	fi

# The same settings as `cdk deploy` (cdk.json, plus CONTEXT), AWS credentials and Region from the usual places.
preflight: $(RUNTIME_STAMP)
	$(BIN)/python -m ops.preflight $(CONTEXT)

smoke: $(RUNTIME_STAMP)
	@test -n "$(ENDPOINT_URL)" || { echo "usage: make smoke ENDPOINT_URL=<the stack's EndpointUrl> [ORIGIN=<an allowed origin>]"; exit 2; }
	$(BIN)/python -m ops.smoke "$(ENDPOINT_URL)" $(if $(ORIGIN),--origin "$(ORIGIN)") $(if $(COGNITO_ENDPOINT),--cognito-endpoint "$(COGNITO_ENDPOINT)")

bench: $(DEV_STAMP) $(NODE_STAMP) valgrind
	$(BIN)/python -m bench.run

# The bench counts a cold start's instructions with Debian's valgrind (callgrind): installed here when missing and
# we are root; elsewhere that one line says it was not counted.
valgrind:
	@if ! command -v valgrind >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; \
	  else \
	    echo "note: valgrind is missing; the bench will not count instructions (sudo apt-get install valgrind)"; \
	  fi; \
	fi

# Mutation testing (mutmut) of lambda/: prints the score and the survivors, rewrites docs/testing.md's last run.
mutate: $(DEV_STAMP)
	$(BIN)/python -m tests.mutate

# Regenerate the committed OpenAPI document from the code (a test fails when it is stale).
openapi: $(RUNTIME_STAMP)
	$(BIN)/python -m local.openapi > docs/openapi.json

# Regenerate the function's validators from the operations' request schemas (fastjsonschema, a dev dependency; a
# test fails when they are stale).
validators: $(DEV_STAMP)
	$(BIN)/python -m local.validators

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/unit

e2e: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/e2e

# cdk synth fails on any unsuppressed cdk-nag error; cfn-lint must find no problem beyond CDK's own
# redundant DependsOn (W3005).
synth: $(DEV_STAMP) $(NODE_STAMP)
	$(CDK) synth --quiet
	$(BIN)/cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json

clean:
	rm -rf $(VENV) node_modules cdk.out .build bench/.venv-function artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis \
	  .mutation
