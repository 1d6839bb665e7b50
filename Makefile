# The two commands of the README. Each installs whatever is missing first (scripts/setup.sh).
.PHONY: setup build run test lint bench

setup:
	@scripts/setup.sh

build: setup
	@npm run --silent build

# The controller with the demo camera (a local GStreamer RTSP server), on 127.0.0.1:5001.
run: build
	@node dist/scripts/run-demo.js

test: build
	@npm run --silent lint
	@npm test --silent

bench: build
	@npm run --silent bench:controller
