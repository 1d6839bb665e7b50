import type { Runtime, WorkerCallbacks, WorkerHandle } from '../runtimes/runtime.js';
import { PROTOCOL_VERSION, type WorkerConfig } from '../worker/protocol.js';

/**
 * A FAKE runtime for the benchmark only: no process, no ffmpeg. Each "worker" reports a healthy
 * heartbeat at once and then every heartbeatSeconds, and "exits" when stopped. It measures what
 * the controller itself costs (watching, parsing, validating, reconciling, the machines, status
 * and events) for a fleet far larger than this machine could run real workers for.
 */
export class FakeNoopRuntime implements Runtime {
  readonly name = 'fake-noop';

  start(config: WorkerConfig, callbacks: WorkerCallbacks): WorkerHandle {
    const beat = () =>
      callbacks.onHeartbeat({
        v: PROTOCOL_VERSION,
        type: 'heartbeat',
        time: Date.now(),
        healthy: true,
        detail: 'main 0.0 fps (fake)',
        streams: {},
        ffmpegPids: [],
      });
    const first = setImmediate(beat);
    const timer = setInterval(beat, config.heartbeatSeconds * 1000);
    return {
      pid: undefined,
      startedAt: Date.now(),
      update: () => undefined,
      record: () => undefined,
      stop: () => {
        clearImmediate(first);
        clearInterval(timer);
        setImmediate(() => callbacks.onExit({ code: 0, signal: null }));
        return Promise.resolve();
      },
      usage: () => undefined,
    };
  }
}
