# Jaring: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run serve test install migrate translations lint format check-content browser tools \
	nginx wrk bench-throughput bench-district clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,server]'
	touch $(BIN)/activate

install: $(BIN)/activate

translations: install
	$(FLASK) translate compile

migrate: install
	$(FLASK) db upgrade

## Serve on http://$(HOST):$(PORT) with the embedded SQLite database in instance/.
## No --debug: the Werkzeug debugger must never be reachable from a classroom network.
run: install translations migrate
	CONTENT_RELOAD=1 $(FLASK) run --host $(HOST) --port $(PORT)

## Several processes for a workshop laptop serving a whole class (HOST=0.0.0.0 for Wi-Fi).
serve: install translations migrate
	$(BIN)/gunicorn --workers 3 --threads 4 --bind $(HOST):$(PORT) 'app:create_app()'

## The whole suite: lint, content check, unit, database, server and browser tests.
test: install translations browser tools nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

check-content: install
	$(FLASK) content check

## Debian's Chromium for the browser tests (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium package for the browser tests (sudo apt-get install chromium)."; fi; }

## Test tools that are not Python packages: the Nu HTML Checker (vnu.jar, from npm,
## pinned) and a Java runtime to run it (Debian's package, when run as root).
VNU_VERSION := 26.9.27
tools: .tools/node_modules/vnu-jar/build/dist/vnu.jar
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "Install a Java runtime for the HTML checker (sudo apt-get install default-jre-headless)."; fi; }

.tools/node_modules/vnu-jar/build/dist/vnu.jar:
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch the HTML checker (vnu-jar)."; exit 1; }
	npm install --prefix .tools --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION)

## Debian's nginx for the deployment test (two app servers behind it; it runs as you).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx >/dev/null; \
	  else echo "Install Debian's nginx package for the deployment test (sudo apt-get install nginx)."; fi; }

## Debian's wrk, the load tool of the throughput benchmark.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "Install Debian's wrk package for the benchmark (sudo apt-get install wrk)." && exit 1; fi; }

## Requests/s of Jaring against a bare Flask app serving the same bytes, on SQLite and
## PostgreSQL (BENCH_POSTGRES, default postgres@127.0.0.1/test); appends to
## benchmarks/RESULTS.md. Takes about ten minutes; not part of make test.
## BENCH_ARGS passes options, e.g. BENCH_ARGS="--databases sqlite".
bench-throughput: install translations wrk
	$(BIN)/python benchmarks/throughput.py $(BENCH_ARGS)

## A day of a district, played: Locust (the `bench` extra) plays a class of 60 and a
## district of 600 learners and their facilitators against gunicorn on SQLite and
## PostgreSQL (BENCH_POSTGRES), then checks the database (no lost or doubled attempt),
## failed requests and workers' memory; writes benchmarks/RESULTS.md and fails if a
## check fails. Needs Redis on 127.0.0.1:6379. About 12 minutes; not part of make test.
## BENCH_ARGS passes options, e.g. BENCH_ARGS="--databases sqlite --sizes class".
bench-district: install translations
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/district_day.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
	find translations -name '*.mo' -delete
