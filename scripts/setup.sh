#!/usr/bin/env bash
# Installs what camlet needs on a fresh Debian machine that has only Node 20 and npm:
# Debian's ffmpeg, GStreamer's RTSP server (for the demo and test cameras), promtool, chromium,
# then the npm packages. Each step is skipped when what it installs is already there,
# so `make run` and `make test` stay fast on a machine that has everything.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  ffmpeg
  util-linux            # setpriv: parent-death signal for workers and ffmpeg
  python3-gi
  gir1.2-gst-rtsp-server-1.0
  gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly
  prometheus            # promtool, and the Prometheus server for the observability tests
  chromium              # the dashboard's browser tests (playwright-core drives /usr/bin/chromium)
)

system_is_ready() {
  command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null && command -v setpriv >/dev/null &&
    command -v promtool >/dev/null && command -v prometheus >/dev/null &&
    [ -x /usr/bin/chromium ] &&
    /usr/bin/python3 scripts/rtsp-server.py --check >/dev/null 2>&1
}

if ! system_is_ready; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "camlet setup: missing Debian packages (${debian_packages[*]}); run this script as root or install them" >&2
    exit 1
  fi
  echo "camlet setup: installing Debian packages: ${debian_packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${debian_packages[@]}" >/dev/null
  system_is_ready || { echo "camlet setup: packages installed but ffmpeg/GStreamer RTSP check still fails" >&2; exit 1; }
fi

# npm ci only when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "camlet setup: installing npm packages" >&2
  npm ci --no-fund --no-audit
fi
