# The entry points a newcomer needs. `make run` and `make test` install what a fresh Debian 12 lacks.
BUILD     ?= build
BUILD_TYPE ?= Release
DATA_DIR  ?= ./iamd-data
LISTEN    ?= 127.0.0.1:8777

.PHONY: all build run test unit bench fuzz clean deps test-deps

all: build

deps:
	@scripts/install-deps.sh build

test-deps:
	@scripts/install-deps.sh test

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD)

run: build
	@echo "iamd: endpoint http://$(LISTEN)  (root credentials: $(DATA_DIR)/root-credentials)"
	$(BUILD)/iamd serve --data-dir $(DATA_DIR) --listen $(LISTEN)

test: test-deps $(BUILD)/build.ninja
	cmake --build $(BUILD)
	ctest --test-dir $(BUILD) --output-on-failure

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -L unit

bench: test-deps build
	bench/run.sh $(BUILD)

fuzz: test-deps
	tests/fuzz/run.sh

clean:
	rm -rf $(BUILD) build-fuzz
