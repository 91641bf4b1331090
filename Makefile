# mapi.resilience: `make demo` and `make test` do all set-up on a fresh machine with Python 3.11.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ROOT := $(CURDIR)
LINK := .build/collections/ansible_collections/mapi/resilience
SANITY_ROOT := .build/sanity/ansible_collections/mapi/resilience
# The simulated estate: its own Ansible config (never read by a real run) and inventory.
SIM := ANSIBLE_CONFIG=$(ROOT)/tests/winsim/ansible.cfg
SIM_INVENTORY := -i tests/winsim/inventory.yml
ANSIBLE_TEST_PIP := $(HOME)/.ansible/test/cache/get_pip_24_2.py
# pytest-xdist: every test has its own simulated estate (the `winsim` fixture's tmp_path), so tests run
# side by side; worksteal rebalances the long contract playbooks. PYTEST_WORKERS=0 runs them serially.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist worksteal
# The older ansible-core versions that meta/runtime.yml claims (tox.ini); 2.19 is the main .venv.
MATRIX ?= core216,core217,core218
# where the demo's role ev_daily_restart writes the AWX objects (controller-as-code)
EV_AWX_DIR := .build/controller/ev_daily_restart
# where the demo's compliance run writes its report (MAPI_RESILIENCE_REPORT_DIR)
REPORT_DIR := .build/compliance

.PHONY: help setup demo test sanity units matrix lint molecule changelog build clean reset-estate bench

help:
	@echo "make demo   - set up, reset the simulated estate, check / enforce / re-run site.yml, ..., then the compliance report"
	@echo "make test   - set up, then sanity, unit and contract tests, ansible-lint, molecule and the ansible-core matrix"
	@echo "make units  - every pytest test on the main .venv (ansible-core 2.19), in parallel"
	@echo "make bench  - site.yml against the naive playbook on N simulated hosts (N=500 PAIRS=3 FORKS=10; 1.5 to 2 h on 2 CPUs)"
	@echo "make matrix - unit tests and the simulated site.yml runs on ansible-core 2.16, 2.17 and 2.18 (tox)"

$(BIN)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn ../../../.. $(LINK)

setup: $(BIN)/.installed $(LINK)

reset-estate:
	rm -rf .winsim

demo: setup reset-estate
	@echo; echo "=== 1/3  Compliance check of the estate: --check --diff shows the drift, writes nothing ==="
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/site.yml --check --diff
	@$(BIN)/python tests/winsim/calls.py --state-dir .winsim
	@echo; echo "=== 2/3  Enforcement: one write per drifted value ==="
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/site.yml
	@$(BIN)/python tests/winsim/calls.py --state-dir .winsim
	@echo; echo "=== 3/3  Re-run: nothing left to change ==="
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/site.yml | tee .build/demo-rerun.log
	@grep -qE 'changed=[1-9]' .build/demo-rerun.log && { echo "re-run changed something"; exit 1; } || true
	@$(BIN)/python tests/winsim/calls.py --state-dir .winsim
	@echo; echo "=== Store restart after a signature update (playbooks/exchange_store_restart.yml, serial 1) ==="
	@echo "--- a. first run: each server records its current signature, no restart ---"
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/exchange_store_restart.yml
	@echo "--- b. Trend publishes a new pattern on exch2000 (an ordinary ad hoc win_regedit) ---"
	$(SIM) $(BIN)/ansible $(SIM_INVENTORY) exch2000 -m ansible.windows.win_regedit -a '{"path": "HKLM:\\SOFTWARE\\TrendMicro\\ScanMail for Exchange\\CurrentVersion", "name": "PatternStringFormatted", "data": "1.875.00", "type": "string"}'
	@echo "--- c. check mode: the predicted restart, reads only ---"
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/exchange_store_restart.yml --check --diff
	@echo "--- d. the ordered, bounded restart on exch2000, with timings and the rescan estimate ---"
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/exchange_store_restart.yml -e exchange_store_restart_poll_interval=1
	@echo "--- e. re-run: nothing is due, no service control ---"
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/exchange_store_restart.yml | tee .build/demo-store-rerun.log
	@grep -qE 'changed=[1-9]' .build/demo-store-rerun.log && { echo "store re-run changed something"; exit 1; } || true
	@$(BIN)/python tests/winsim/calls.py --state-dir .winsim
	@echo; echo "=== EV daily restart (Veritas TECH49069): a scheduled task on ev32, an AWX schedule on ev64 ==="
	@rm -rf $(EV_AWX_DIR)  # the controller-as-code files of an earlier demo
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/ev_daily_restart_schedule.yml -e ev_daily_restart_awx_dir=$(ROOT)/$(EV_AWX_DIR)
	@echo "--- $(EV_AWX_DIR)/ev64.yml (controller-as-code for infra.controller_configuration / infra.aap_configuration):"
	@cat $(EV_AWX_DIR)/ev64.yml
	@echo; echo "=== EV daily restart: check-mode compliance (ev32, ev64, and ev-daily / ev-stale / ev-failed with a task history) ==="
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/ev_daily_restart_schedule.yml --check -e ev_daily_restart_hosts=enterprise_vault:ev_restart_history -e ev_daily_restart_awx_dir=$(ROOT)/$(EV_AWX_DIR)
	@echo; echo "=== EV daily restart: playbooks/ev_daily_restart.yml once (what the AWX schedule runs), one server at a time ==="
	$(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) playbooks/ev_daily_restart.yml -e ev_services_restart_poll_interval=1
	@$(BIN)/python tests/winsim/calls.py --state-dir .winsim
	@echo; echo "=== Compliance run: every check in check mode over the whole estate (faulty hosts too), one report ==="
	@rm -rf $(REPORT_DIR)
	MAPI_RESILIENCE_REPORT_DIR=$(ROOT)/$(REPORT_DIR) $(SIM) $(BIN)/ansible-playbook $(SIM_INVENTORY) -i tests/winsim/inventory-estate.yml playbooks/compliance.yml --check
	@$(BIN)/python -c 'import json, sys; m = json.load(open(sys.argv[1])); t = m["totals"]; \
	  print("compliance totals, %d hosts: " % t["hosts"] + ", ".join("%d %s" % (t["host_status"][s], s) for s in m["statuses"])); \
	  print("host x check: " + ", ".join("%d %s" % (t["checks"][s], s) for s in m["statuses"]))' $(REPORT_DIR)/compliance.json
	@echo "Compliance report: $(ROOT)/$(REPORT_DIR)/compliance.html (also compliance.json, compliance-junit.xml)"

# sanity, ansible-lint and molecule each keep about one core busy: run them side by side (each one's output
# is printed in one piece when it ends), then the tests, which use every core through pytest-xdist.
test: setup
	$(MAKE) --no-print-directory -j3 --output-sync=target sanity lint molecule
	$(MAKE) --no-print-directory units
	$(MAKE) --no-print-directory matrix
	@echo "make test: all suites passed"

# ansible-test needs the collection under ansible_collections/<namespace>/<name>; copy the tracked
# (and new, not ignored) files there. Its pip bootstrap download is unreachable: use the offline stand-in.
sanity: setup
	rm -rf $(SANITY_ROOT) && mkdir -p $(SANITY_ROOT)
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C $(SANITY_ROOT)
	# its own git repository, so that ansible-test lists its files (the checkout's git ignores .build)
	cd $(SANITY_ROOT) && git init -q && git add -A
	mkdir -p $(dir $(ANSIBLE_TEST_PIP)) && cp tests/offline/get_pip.py $(ANSIBLE_TEST_PIP)
	cd $(SANITY_ROOT) && $(ROOT)/$(BIN)/ansible-test sanity --venv --python 3.11 --color no

# Not part of make test: a benchmark (tests/benchmarks/bench.py), it takes minutes. Work files in .build/bench.
N ?= 500
PAIRS ?= 3
FORKS ?= 10
ROLES_ONLY ?=
bench: setup
	$(BIN)/python tests/benchmarks/bench.py --hosts $(N) --pairs $(PAIRS) --forks $(FORKS) --profile $(if $(ROLES_ONLY),--roles-only)

units: setup
	$(BIN)/pytest $(PYTEST_PARALLEL)

# One tox env per claimed ansible-core version, each with its own ansible bundle from PyPI (tox.ini);
# envs live in .build/tox and are reused while tox.ini's deps stay the same.
# On the older cores: every mocked unit test, the EXAMPLES and collection-metadata tests, and the simulated
# end-to-end runs of the registry half (site.yml: check, enforce, idempotent re-run, check after). The long
# simulated end-to-end runs of the operations (store restart, EV restart and schedule, MAPI health) and
# tests/unit/awx (static AWX data checked against the main .venv's awx.awx, with ansible-runner and
# ansible-builder) run in `make units` on 2.19 only; their action plugins' mocked tests run everywhere.
MATRIX_SKIP := exchange_store_restart_winsim ev_services_restart_winsim ev_daily_restart_winsim ev_mapi_health_winsim
matrix: setup
	$(BIN)/tox run -e $(MATRIX) -- $(PYTEST_PARALLEL) tests/unit tests/winsim/test_environment.py \
		--ignore=tests/unit/awx $(foreach t,$(MATRIX_SKIP),--ignore=tests/unit/plugins/action/test_$(t).py)

lint: setup
	ANSIBLE_COLLECTIONS_PATH=$(ROOT)/.build/collections $(BIN)/ansible-lint --offline

# The verifier must have run tests on every platform: a host pattern that matches nothing only skips.
molecule: setup
	mkdir -p .build
	PATH=$(ROOT)/$(BIN):$$PATH NO_COLOR=1 $(BIN)/molecule test -s default 2>&1 | tee .build/molecule.log
	@grep -qE '[0-9]+ passed' .build/molecule.log || { echo "molecule: the verifier ran no test"; exit 1; }
	@! grep -qE '[0-9]+ skipped' .build/molecule.log || { echo "molecule: verifier tests were skipped"; exit 1; }

changelog: setup
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog generate

build: setup
	mkdir -p .build/dist && $(BIN)/ansible-galaxy collection build --force --output-path .build/dist

clean:
	rm -rf .build .winsim tests/output
