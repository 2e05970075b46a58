# The two commands that matter: `make run` and `make test`. See README.md.
.PHONY: run test build analyze clean-local

CONFIGURATION ?= Release

## Bring the whole platform up on this machine (infrastructure included). Ctrl-C stops it.
run:
	bash deploy/local/run.sh

## Every test, on real PostgreSQL and RabbitMQ started as local processes.
test:
	bash deploy/local/test.sh

build:
	dotnet build Platform.sln -c $(CONFIGURATION)

## Analyse a Pol.is export: make analyze POLIS=path/to/export
analyze:
	@test -n "$(POLIS)" || { echo "usage: make analyze POLIS=<export folder>" >&2; exit 2; }
	@dotnet run --project services/Charter/Agora.Charter -c $(CONFIGURATION) -v q -- analyze "$(abspath $(POLIS))"

## Stop local infrastructure and delete its data.
clean-local:
	-bash deploy/local/infra.sh stop run
	-bash deploy/local/infra.sh stop test
	rm -rf .local/run .local/test

include deploy/deploy.mk
