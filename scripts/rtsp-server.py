#!/usr/bin/python3
"""A real RTSP camera for the demo and the tests: GStreamer's gst-rtsp-server.

Serves two mounts, like an IP camera: /main (the recording stream) and /sub (the
low-resolution analysis stream), each an H.264 encoding of GStreamer's moving-ball test
pattern, so that there is motion to detect, or, with --main-file/--sub-file, an H.264 clip
(.mp4 or raw Annex-B .h264) looped forever without re-encoding: what a client receives is the
file's own H.264, as a live stream whose timestamps keep increasing across loops. With
--main-audio, the main mount carries a live-encoded tone as well (AAC, MP3 or G.711 mu-law, the
audio codecs cameras send). Each mount is
shared: one encoder (or clip feeder) per mount, whatever the number of clients, and it runs only
while a client is connected. RTP over TCP (interleaved) and over UDP are both offered (the
factory default), as cameras do.

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


# The audio codecs a camera sends: a live tone encoded by GStreamer, with the payloader cameras use.
AUDIO_BRANCHES = {
    "aac": "audio/x-raw,rate=16000,channels=1 ! voaacenc bitrate=32000 ! aacparse ! rtpmp4gpay name=pay1 pt=97",
    "mp3": "audio/x-raw,rate=16000,channels=1 ! lamemp3enc target=bitrate bitrate=32 ! mpegaudioparse ! rtpmpapay name=pay1 pt=14",
    "pcmu": "audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay1 pt=0",
}


def with_audio(pipeline: str, audio: str | None) -> str:
    if not audio:
        return pipeline
    return f"{pipeline[:-1]} audiotestsrc is-live=true wave=sine freq=440 volume=0.2 ! {AUDIO_BRANCHES[audio]} )"


def clip_pipeline() -> str:
    # A live source: gst-rtsp-server then treats the mount as a camera (SDP range "now-", no
    # seeking). With a file source the media is video-on-demand instead, and each client's PLAY
    # (ffmpeg asks for npt=0-) seeks the shared pipeline back to the start under the other clients.
    # config-interval=-1: SPS and PPS before every keyframe, so that a client joining mid-stream
    # decodes from the next keyframe, whatever the file carries in-band.
    return "( appsrc name=clip is-live=true format=time ! rtph264pay name=pay0 pt=96 config-interval=-1 )"


def shallow_copy(Gst, buffer):
    # In Python, Buffer.copy() only adds a reference (the boxed type's copy), so new timestamps
    # would land on the original; copy_region shares the memory without copying the picture.
    # (Gst.BUFFER_COPY_ALL, a C macro, is 0 in Python.)
    flags = Gst.BufferCopyFlags.FLAGS | Gst.BufferCopyFlags.TIMESTAMPS | Gst.BufferCopyFlags.META | Gst.BufferCopyFlags.MEMORY
    return buffer.copy_region(flags, 0, buffer.get_size())


class Clip:
    """An H.264 file read once into memory: its caps and its access units, in decoding order."""

    def __init__(self, Gst, path: str) -> None:
        # The file's own access units, in the avc form that the payloader takes, with the
        # parameter sets in the caps (codec_data) for the SDP. An MP4's samples are that already;
        # a raw stream needs h264parse to cut it. (Not parsebin: its parser outputs byte-stream,
        # adding an access unit delimiter to every frame.)
        if path.endswith(".mp4"):
            source = "filesrc name=file ! qtdemux name=demux demux.video_0"
        elif path.endswith(".h264"):
            source = "filesrc name=file ! h264parse"
        else:
            raise ValueError(f"{path}: expected an .mp4 or a raw .h264 file")
        reader = Gst.parse_launch(
            f"{source} ! video/x-h264,stream-format=avc,alignment=au ! appsink name=sink sync=false wait-on-eos=false"
        )
        reader.get_by_name("file").set_property("location", path)
        sink = reader.get_by_name("sink")
        reader.set_state(Gst.State.PLAYING)
        # The appsink keeps every frame until pulled (wait-on-eos=false: without waiting for that
        # to post EOS), so the whole file is read first.
        end = reader.get_bus().timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
        self.frames = []
        self.caps = None
        while (sample := sink.emit("try-pull-sample", 0)) is not None:
            self.caps = sample.get_caps()
            frame = shallow_copy(Gst, sample.get_buffer())
            # A raw .h264 stream carries decoding times only; in the baseline profile (no
            # B-frames) they are the presentation times, which the payloader needs.
            if frame.pts == Gst.CLOCK_TIME_NONE:
                frame.pts = frame.dts
            # Looping back to the first frame is no discontinuity for the payloader.
            frame.unset_flags(Gst.BufferFlags.DISCONT)
            self.frames.append(frame)
        reader.set_state(Gst.State.NULL)
        if end is None:
            raise ValueError(f"cannot read H.264 from {path}: timed out")
        if end.type == Gst.MessageType.ERROR:
            error, debug = end.parse_error()
            # The demuxer had no video track, or one that would not link to the H.264 caps.
            reason = "no H.264 video track" if "not-linked" in (debug or "") else error.message
            raise ValueError(f"cannot read H.264 from {path}: {reason}")
        if not self.frames:
            raise ValueError(f"no H.264 frames in {path}")
        first, last = self.frames[0], self.frames[-1]
        if Gst.CLOCK_TIME_NONE in (first.dts, last.dts, last.duration):
            raise ValueError(f"cannot loop {path}: its frames have no timestamps")
        self.start = first.dts
        # One loop lasts until its last frame ends: the next loop's first frame comes one frame
        # duration after it, as any other frame would.
        self.period = last.dts + last.duration - first.dts


class ClipFeeder:
    """Feeds a clip's access units, looped, to one media's appsrc.

    Timestamps start at the pipeline's running time when the first frame is asked for, as a
    camera's capture times would, and each loop is shifted by the clip's length, so that they
    keep increasing at the clip's own rate. The appsrc asks for a frame as soon as the previous
    one has left; the RTSP server's sinks, which synchronise on the clock, set the real-time pace.
    """

    def __init__(self, Gst, clip: Clip, appsrc) -> None:
        self.Gst = Gst
        self.clip = clip
        self.index = 0
        self.shift = None
        appsrc.set_property("caps", clip.caps)
        appsrc.connect("need-data", self.need_data)

    def need_data(self, appsrc, _length: int) -> None:
        clip = self.clip
        position = self.index % len(clip.frames)
        if self.shift is None:
            clock = appsrc.get_clock()
            now = clock.get_time() - appsrc.get_base_time() if clock else 0
            self.shift = now - clip.start
        elif position == 0:
            self.shift += clip.period
        frame = shallow_copy(self.Gst, clip.frames[position])
        frame.pts += self.shift
        frame.dts += self.shift
        appsrc.emit("push-buffer", frame)
        self.index += 1


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
    elements = ("videotestsrc", "x264enc", "rtph264pay", "appsrc", "filesrc", "qtdemux", "h264parse", "appsink", "audiotestsrc", "voaacenc", "aacparse", "rtpmp4gpay", "lamemp3enc", "mpegaudioparse", "rtpmpapay", "mulawenc", "rtppcmupay")
    missing = [e for e in elements if Gst.ElementFactory.find(e) is None]
    if missing:
        print(f"GStreamer elements missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that GStreamer is usable")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: let the kernel choose")
    for mount, mode in (("main", (640, 360, 15)), ("sub", (320, 180, 10))):
        source = parser.add_mutually_exclusive_group()
        source.add_argument(f"--{mount}", type=parse_video_mode, default=mode, metavar="WxH@FPS")
        source.add_argument(f"--{mount}-file", metavar="PATH", help="serve this H.264 clip (.mp4 or .h264), looped")
    parser.add_argument("--pattern", default="ball", help="videotestsrc pattern")
    parser.add_argument("--main-audio", choices=sorted(AUDIO_BRANCHES), help="add a tone in this codec to the main mount")
    parser.add_argument("--user", help="require RTSP basic authentication with this user")
    parser.add_argument("--password-env", help="environment variable holding the password for --user")
    args = parser.parse_args()

    if args.check:
        return check()

    die_with_parent()
    GLib, Gst, GstRtspServer = load_gstreamer()

    # Read before listening, so that a bad file fails the start rather than the first client.
    try:
        clips = {path: Clip(Gst, path) for path in (args.main_file, args.sub_file) if path}
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

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
    for path, mode, clip_path in (("/main", args.main, args.main_file), ("/sub", args.sub, args.sub_file)):
        factory = GstRtspServer.RTSPMediaFactory()
        audio = args.main_audio if path == "/main" else None
        if clip_path:
            factory.set_launch(with_audio(clip_pipeline(), audio))
            # The feeder lives as long as its appsrc, which holds its need-data handler.
            factory.connect(
                "media-configure",
                lambda _, media, clip=clips[clip_path]: ClipFeeder(Gst, clip, media.get_element().get_by_name("clip")),
            )
        else:
            factory.set_launch(with_audio(pipeline_for(*mode, args.pattern), audio))
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
