# The two commands: `make run` starts the demo app, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The chat example: `fogbank up`, then its front end published with the AWS CLI, as on AWS.
run: $(STAMP)
	$(BIN)/python examples/chat/run_local.py

# Real clients from npm that the tests drive Fogbank with (wscat, the AWS SDK for JavaScript v3).
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Debian's packages the tests drive: chromium for the browser tests, through the Python
# playwright package (no browser download), and awscli, the AWS CLI v2 beside the venv's v1.
# One rule, one apt-get for all of them; root installs them, anyone else is told how.
DEBIAN_PACKAGES := chromium awscli
DEBIAN_TOOLS := /usr/bin/chromium /usr/bin/aws

$(DEBIAN_TOOLS) &:
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); \
	else \
		echo "The tests need Debian's packages $(DEBIAN_PACKAGES):" \
			"run 'sudo apt-get install $(DEBIAN_PACKAGES)'." >&2; \
		exit 1; \
	fi

test: $(STAMP) $(NODE_STAMP) $(DEBIAN_TOOLS)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV)
