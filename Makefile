# Two commands matter: `make run` and `make test`. Everything else is what they build on.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PROTOS := $(shell find protos -name '*.proto')
GENSTAMP := gen/.stamp
# buf (protobuf lint), from npm's registry into .tools/, at a pinned version.
BUF_VERSION := 1.75.0
BUF := .tools/node_modules/.bin/buf
# GraphiQL and React for the gateway's dev page, from npm's registry at the versions package-lock.json pins.
GRAPHIQL := gateway/graphiql-assets
GRAPHIQL_STAMP := $(GRAPHIQL)/node_modules/.installed
# The web portal (portal/): npm ci from its package-lock.json, operations typed from the schema, vite build to dist/.
PORTAL := portal
PORTAL_STAMP := $(PORTAL)/node_modules/.installed

.PHONY: run test install gen graphiql portal portal-check lint-protos bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@# the generated protobuf modules import as gridgov.<service>.v1 from gen/
	echo "$(CURDIR)/gen" > $$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/gridgov-gen.pth
	touch $@

install: $(STAMP)

$(GENSTAMP): $(STAMP) $(PROTOS)
	rm -rf gen && mkdir -p gen
	$(BIN)/python -m grpc_tools.protoc -Iprotos --python_out=gen --pyi_out=gen --grpc_python_out=gen $(PROTOS)
	touch $@

gen: $(GENSTAMP)

$(BUF):
	npm install --prefix .tools --no-audit --no-fund --loglevel=error @bufbuild/buf@$(BUF_VERSION)

$(GRAPHIQL_STAMP): $(GRAPHIQL)/package.json $(GRAPHIQL)/package-lock.json
	npm ci --prefix $(GRAPHIQL) --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

graphiql: $(GRAPHIQL_STAMP)

$(PORTAL_STAMP): $(PORTAL)/package.json $(PORTAL)/package-lock.json
	npm ci --prefix $(PORTAL) --no-audit --no-fund --loglevel=error
	touch $@

# Generated code (src/gql) and the build (dist/) are never committed: every build makes them afresh.
portal: $(PORTAL_STAMP)
	cd $(PORTAL) && npm run --silent codegen -- --silent && npm run --silent build -- --logLevel warn

portal-check: portal
	cd $(PORTAL) && npm run --silent typecheck && npm run --silent lint && npm run --silent test

lint-protos: $(BUF)
	cd protos && ../$(BUF) lint

run: gen graphiql portal
	$(BIN)/gridgov up --demo-data

test: gen graphiql lint-protos portal portal-check
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

bench: gen
	$(BIN)/python -m bench.households

clean:
	rm -rf gen var .tools $(VENV) $(GRAPHIQL)/node_modules $(PORTAL)/node_modules $(PORTAL)/dist $(PORTAL)/src/gql
