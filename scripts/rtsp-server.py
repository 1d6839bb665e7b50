#!/usr/bin/python3
"""A real RTSP camera for the demo and the tests: GStreamer's gst-rtsp-server.

Serves two mounts, like an IP camera: /main (the recording stream) and /sub (the
low-resolution analysis stream), each an H.264 encoding of GStreamer's moving-ball test
pattern, so that there is motion to detect. Each mount is shared: one encoder per mount,
whatever the number of clients, and encoding runs only while a client is connected.
RTP over TCP (interleaved) and over UDP are both offered (the factory default), as cameras do.

Prints `READY port=<port>` on stdout once it listens, so that a caller asking for port 0
learns the port the kernel chose. Dies with its parent (PR_SET_PDEATHSIG), so a killed
test or demo never leaves it behind.

Run with Debian's /usr/bin/python3: it has the `gi` bindings that a pyenv python lacks.
"""

import argparse
import ctypes
import re
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def parse_video_mode(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)@(\d+)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT@FPS such as 640x360@15, got {text!r}")
    width, height, fps = (int(g) for g in match.groups())
    if width % 2 or height % 2 or not (1 <= fps <= 60):
        raise argparse.ArgumentTypeError(f"width and height must be even and fps 1..60, got {text!r}")
    return width, height, fps


def pipeline_for(width: int, height: int, fps: int, pattern: str) -> str:
    # key-int-max = fps: a keyframe every second, so a client joining the shared stream
    # decodes (and a recording can be cut) within a second. Baseline profile, no B-frames:
    # what small IP cameras send.
    bitrate_kbps = max(100, width * height * fps // 4000)
    return (
        f"( videotestsrc is-live=true pattern={pattern} "
        f"! video/x-raw,width={width},height={height},framerate={fps}/1 "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate={bitrate_kbps} "
        f"! video/x-h264,profile=baseline "
        f"! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )


def load_gstreamer():
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer

    Gst.init(None)
    return GLib, Gst, GstRtspServer


def check() -> int:
    """Exit 0 when GStreamer, its RTSP server and every element used here are installed."""
    try:
        _, Gst, _ = load_gstreamer()
    except (ImportError, ValueError) as error:
        print(f"GStreamer RTSP server bindings missing: {error}", file=sys.stderr)
        return 1
    missing = [e for e in ("videotestsrc", "x264enc", "rtph264pay") if Gst.ElementFactory.find(e) is None]
    if missing:
        print(f"GStreamer elements missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that GStreamer is usable")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: let the kernel choose")
    parser.add_argument("--main", type=parse_video_mode, default=(640, 360, 15), metavar="WxH@FPS")
    parser.add_argument("--sub", type=parse_video_mode, default=(320, 180, 10), metavar="WxH@FPS")
    parser.add_argument("--pattern", default="ball", help="videotestsrc pattern")
    parser.add_argument("--user", help="require RTSP basic authentication with this user")
    parser.add_argument("--password-env", help="environment variable holding the password for --user")
    args = parser.parse_args()

    if args.check:
        return check()

    die_with_parent()
    GLib, _, GstRtspServer = load_gstreamer()

    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))

    if args.user:
        import os

        password = os.environ.get(args.password_env or "", "")
        if not password:
            print("--user needs --password-env naming a non-empty environment variable", file=sys.stderr)
            return 2
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "camera-user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, password), token)
        server.set_auth(auth)

    mounts = server.get_mount_points()
    for path, (width, height, fps) in (("/main", args.main), ("/sub", args.sub)):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(pipeline_for(width, height, fps, args.pattern))
        factory.set_shared(True)
        if args.user:
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_permission_for_role("camera-user", "media.factory.access", True)
            permissions.add_permission_for_role("camera-user", "media.factory.construct", True)
            factory.set_permissions(permissions)
        mounts.add_factory(path, factory)

    if server.attach(None) == 0:
        print(f"cannot listen on {args.address}:{args.port}", file=sys.stderr)
        return 1

    loop = GLib.MainLoop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    print(f"READY port={server.get_bound_port()}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
