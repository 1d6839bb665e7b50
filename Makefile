# The two commands of the README. Each installs whatever is missing first (scripts/setup.sh).
.PHONY: setup build run test lint bench bench-worker bench-ui

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

# What a camera costs the worker (CPU, PSS, motion and recording latency) for 1, 8, 32 cameras and
# the most this machine holds; about 10 minutes.
bench-worker: build
	@npm run --silent bench:worker

# The dashboard's 9-camera grid in headless chromium for 60 s: frames per tile, camera-to-screen
# latency, the controller's and the live remuxes' CPU against ffmpeg alone; about 2 minutes.
bench-ui: build
	@npm run --silent bench:ui
