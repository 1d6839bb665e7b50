import { createInterface } from 'node:readline';
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { projectPath } from '../../lib/project-root.js';
import { redactText } from '../../lib/redact.js';
import { PROTOCOL_VERSION, parseWorkerMessage, type LiveSettings, type ManualRecordingRequest, type WorkerConfig } from '../../worker/protocol.js';
import type { Runtime, WorkerCallbacks, WorkerHandle, WorkerLogRecord } from '../runtime.js';
import { processUsage } from './proc-usage.js';

// The worker's environment: enough to run node and ffmpeg, and nothing else of the controller's,
// whose environment holds the camera passwords (they reach the worker over IPC instead).
const PASSED_ENVIRONMENT = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/**
 * Runs each camera's worker as an OS child process of the controller, tied to it by a
 * parent-death signal: if the controller dies, even by SIGKILL, the kernel kills the worker,
 * whose own ffmpeg processes are tied to it the same way.
 */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';

  constructor(private readonly workerEntry = projectPath('dist', 'worker', 'main.js')) {}

  start(config: WorkerConfig, callbacks: WorkerCallbacks): WorkerHandle {
    const environment = Object.fromEntries(PASSED_ENVIRONMENT.flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])));
    const child = spawnTiedToParent(process.execPath, [this.workerEntry], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: environment,
      serialization: 'json',
      // Its own process group: a Ctrl-C in the controller's terminal reaches the controller only,
      // which then stops each worker gracefully (the parent-death signal still ties them).
      detached: true,
    });
    const startedAt = Date.now();
    const log = (record: WorkerLogRecord) => callbacks.onLog(record);
    let exited = false;
    const exit = (details: Parameters<WorkerCallbacks['onExit']>[0]) => {
      if (exited) return;
      exited = true;
      callbacks.onExit(details);
    };

    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        try {
          const record = JSON.parse(line) as WorkerLogRecord;
          if (record && typeof record === 'object') {
            log(record);
            return;
          }
        } catch {
          // not JSON: passed on as text below
        }
        log({ level: 'info', msg: redactText(line, config.secrets) });
      });
    }
    if (child.stderr) {
      // Node writes uncaught errors and warnings here, not as JSON.
      createInterface({ input: child.stderr }).on('line', (line) => log({ level: 'error', msg: redactText(line, config.secrets) }));
    }
    child.on('message', (raw) => {
      const parsed = parseWorkerMessage(raw);
      if (!parsed.ok) {
        log({ level: 'warn', msg: `ignored a message from the worker: ${parsed.error}` });
        return;
      }
      const message = parsed.message;
      if (message.type === 'heartbeat') callbacks.onHeartbeat(message);
      else if (message.type === 'event') callbacks.onEvent(message);
      else if (message.type === 'motionStarted' || message.type === 'motionEnded') callbacks.onMotion(message);
      else callbacks.onRecording(message);
    });
    child.on('error', (error) => exit({ code: null, signal: null, error: error.message }));
    child.on('exit', (code, signal) => exit({ code, signal }));
    child.send({ v: PROTOCOL_VERSION, type: 'configure', config });

    return {
      get pid() {
        return child.pid;
      },
      startedAt,
      update: (settings: LiveSettings) => {
        if (child.connected) child.send({ v: PROTOCOL_VERSION, type: 'update', settings });
      },
      record: (request: ManualRecordingRequest) => {
        if (child.connected) child.send('stop' in request ? { v: PROTOCOL_VERSION, type: 'stopRecording' } : { v: PROTOCOL_VERSION, type: 'record', seconds: request.seconds });
      },
      stop: (graceMs: number) => stopGracefully(child, graceMs),
      usage: (ffmpegPids) => (child.pid ? processUsage([child.pid, ...ffmpegPids]) : undefined),
    };
  }
}
