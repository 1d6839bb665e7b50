// A real RTSP camera for tests: scripts/rtsp-server.py (GStreamer's gst-rtsp-server), serving
// H.264 on /main and /sub: a test pattern encoded live, or an H.264 clip (see h264-clip.ts) looped
// forever without re-encoding. Small defaults keep the CPU low on a 2-core CI machine.
//
//   const camera = await startRtspCamera(); // or startRtspCamera({ mainFile: '/tmp/x/door.mp4' })
//   ... camera.url('main') ...
//   afterAll(stopAllRtspCameras);
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { projectPath } from '../../lib/project-root.js';

export interface RtspCameraOptions {
  /** Port to listen on; default 0 (the kernel chooses). A busy port is retried for a few seconds. */
  port?: number;
  /** Main stream mode, WIDTHxHEIGHT@FPS; default '320x240@10'. */
  main?: string;
  /** Sub stream mode, WIDTHxHEIGHT@FPS; default '160x120@5'. */
  sub?: string;
  /**
   * Serve this H.264 clip (.mp4, or raw Annex-B .h264) on /main instead of a test pattern: its own
   * H.264, looped, as a live stream whose timestamps keep increasing across loops. Not with `main`.
   */
  mainFile?: string;
  /** The same for /sub. Not with `sub`. */
  subFile?: string;
  /** Add a live tone in this codec to /main, as cameras with a microphone do. */
  mainAudio?: 'aac' | 'mp3' | 'pcmu';
  /** Require RTSP basic authentication with this user (and `password`). */
  user?: string;
  password?: string;
}

export interface RtspCamera {
  port: number;
  /** rtsp://127.0.0.1:<port>/<mount>, with user:password@ when the camera requires authentication. */
  url(mount: 'main' | 'sub'): string;
  pid: number;
  /** SIGTERM (SIGKILL after a grace period); resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

const PYTHON = '/usr/bin/python3'; // Debian's: it has the `gi` bindings
const SCRIPT = projectPath('scripts', 'rtsp-server.py');
const PASSWORD_ENV = 'CAMLET_TEST_RTSP_PASSWORD';
const READY_TIMEOUT_MS = 15_000;
const BUSY_PORT_RETRY_MS = 5_000;
const BUSY_PORT_RETRY_INTERVAL_MS = 100;
const STOP_GRACE_MS = 3_000;
const STDERR_KEPT_CHARS = 16_000;

const running = new Set<RtspCamera>();

/** Starts scripts/rtsp-server.py and resolves once it listens (its `READY port=N` line). */
export async function startRtspCamera(options: RtspCameraOptions = {}): Promise<RtspCamera> {
  const { port = 0, main = '320x240@10', sub = '160x120@5', mainFile, subFile, mainAudio, user, password } = options;
  if (mainFile !== undefined && options.main !== undefined) throw new Error('startRtspCamera: give main or mainFile, not both');
  if (subFile !== undefined && options.sub !== undefined) throw new Error('startRtspCamera: give sub or subFile, not both');
  if ((user === undefined) !== (password === undefined)) {
    throw new Error('startRtspCamera: give both user and password, or neither');
  }
  if (password === '') throw new Error('startRtspCamera: the password must not be empty');

  const args = [SCRIPT, '--port', String(port)];
  args.push(...(mainFile === undefined ? ['--main', main] : ['--main-file', mainFile]));
  if (mainAudio) args.push('--main-audio', mainAudio);
  args.push(...(subFile === undefined ? ['--sub', sub] : ['--sub-file', subFile]));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[PASSWORD_ENV];
  if (user !== undefined && password !== undefined) {
    args.push('--user', user, '--password-env', PASSWORD_ENV);
    env[PASSWORD_ENV] = password; // never on the command line, where `ps` shows it
  }

  const retryUntil = Date.now() + BUSY_PORT_RETRY_MS;
  for (;;) {
    const launch = await launchOnce(args, env);
    if (launch.ok) return track(launch.child, launch.port, user, password);
    // A fixed port may still be held by another listener (say a process still shutting down): try
    // again for a while. TIME_WAIT alone is no obstacle: GLib binds with SO_REUSEADDR.
    const busy = port !== 0 && /cannot listen/.test(launch.stderr);
    if (!busy || Date.now() >= retryUntil) throw new Error(launch.message);
    await sleep(BUSY_PORT_RETRY_INTERVAL_MS);
  }
}

/** Stops every camera started by startRtspCamera and not yet stopped; for afterAll/afterEach. */
export async function stopAllRtspCameras(): Promise<void> {
  await Promise.all([...running].map((camera) => camera.stop()));
}

type Launch = { ok: true; child: ChildProcess; port: number } | { ok: false; message: string; stderr: string };

function launchOnce(args: string[], env: NodeJS.ProcessEnv): Promise<Launch> {
  const child = spawnTiedToParent(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const what = `rtsp-server.py ${args.slice(1).join(' ')}`;
  let stdout = '';
  let stderr = '';
  // Keep draining both pipes for the camera's whole life, so that it never blocks on a full pipe.
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARS);
  });
  child.stdout?.setEncoding('utf8');

  return new Promise<Launch>((resolve) => {
    let settled = false;
    const settle = (launch: Launch): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(launch);
    };
    const fail = (reason: string): void => {
      const detail = stderr.trim();
      settle({ ok: false, stderr, message: `${what}: ${reason}${detail ? `; stderr:\n${detail}` : ' (no stderr)'}` });
    };

    let timedOut = false;
    const timer = setTimeout(() => {
      // Never leave the process behind; 'close' below reports, with whatever stderr said.
      timedOut = true;
      void stopGracefully(child, 1_000);
    }, READY_TIMEOUT_MS);

    child.stdout?.on('data', (chunk: string) => {
      if (settled) return;
      stdout += chunk;
      const ready = /^READY port=(\d+)$/m.exec(stdout);
      if (ready?.[1] !== undefined && child.pid !== undefined) settle({ ok: true, child, port: Number(ready[1]) });
    });
    child.once('error', (error) => fail(`cannot start: ${error.message}`));
    // 'close', not 'exit': by then all of stderr has been read.
    child.once('close', (code, signal) =>
      fail(timedOut ? `not READY after ${READY_TIMEOUT_MS} ms` : `exited (${signal ?? `code ${String(code)}`}) before READY`),
    );
  });
}

function track(child: ChildProcess, port: number, user: string | undefined, password: string | undefined): RtspCamera {
  const pid = child.pid;
  if (pid === undefined) throw new Error('rtsp-server.py: no pid');
  const credentials =
    user !== undefined && password !== undefined ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}@` : '';
  let stopping: Promise<void> | undefined;
  const camera: RtspCamera = {
    port,
    pid,
    url: (mount) => `rtsp://${credentials}127.0.0.1:${port}/${mount}`,
    stop: () => {
      stopping ??= stopGracefully(child, STOP_GRACE_MS).finally(() => running.delete(camera));
      return stopping;
    },
  };
  running.add(camera);
  return camera;
}
