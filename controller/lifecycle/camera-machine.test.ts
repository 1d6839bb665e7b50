import { createActor, SimulatedClock } from 'xstate';
import { beforeEach, describe, expect, it } from 'vitest';
import { backoffDelayMs, cameraMachine, type CameraMachineEmitted, type CameraMachineEvent, type LifecyclePolicy } from './camera-machine.js';

const policy: LifecyclePolicy = {
  initialBackoffMs: 1000,
  maxBackoffMs: 8000,
  maxRestarts: 0,
  resetAfterMs: 120_000,
  heartbeatTimeoutMs: 15_000,
  unhealthyRestartMs: 30_000,
};

const healthy: CameraMachineEvent = { type: 'HEARTBEAT', healthy: true, detail: 'main: 15 fps' };
const stalled: CameraMachineEvent = { type: 'HEARTBEAT', healthy: false, detail: 'main: connection refused' };
const crash: CameraMachineEvent = { type: 'WORKER_EXITED', exit: { code: 1, signal: null } };
const killed: CameraMachineEvent = { type: 'WORKER_EXITED', exit: { code: null, signal: 'SIGKILL' } };

function start(overrides: Partial<LifecyclePolicy> = {}) {
  const clock = new SimulatedClock();
  const actor = createActor(cameraMachine, { clock, input: { policy: { ...policy, ...overrides } } });
  const emitted: CameraMachineEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const phase = () => actor.getSnapshot().context.phase;
  /** Phases announced since the last call, and the commands (spawn/stop) between them. */
  const log = () => emitted.splice(0).map((e) => (e.type === 'transition' ? `${e.phase}:${e.reason}` : e.type));
  return { actor, clock, phase, log, context: () => actor.getSnapshot().context };
}

describe('camera lifecycle machine', () => {
  let m: ReturnType<typeof start>;
  beforeEach(() => {
    m = start();
  });

  it('starts the worker and runs on its first healthy heartbeat', () => {
    expect(m.log()).toEqual(['Pending:Pending']);
    m.actor.send({ type: 'START' });
    expect(m.log()).toEqual(['Starting:Starting', 'spawn']);
    m.actor.send(stalled); // connected to nothing yet: still starting
    expect(m.phase()).toBe('Starting');
    m.actor.send(healthy);
    expect(m.log()).toEqual(['Running:Started']);
  });

  it('goes Unhealthy when heartbeats stop, and restarts a worker that stays silent', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(healthy);
    m.log();
    m.clock.increment(14_999);
    m.actor.send(healthy); // a heartbeat restarts the deadline
    m.clock.increment(14_999);
    expect(m.phase()).toBe('Running');
    m.clock.increment(1);
    expect(m.log()).toEqual(['Unhealthy:HeartbeatMissed']);
    m.clock.increment(29_999);
    expect(m.log()).toEqual([]);
    m.clock.increment(1);
    expect(m.log()).toEqual(['Unhealthy:Unresponsive', 'Stopping:Stopping', 'stop']);
    m.actor.send({ type: 'WORKER_EXITED', exit: { code: null, signal: 'SIGTERM' } });
    expect(m.log()).toEqual(['Crashed:Crashed', 'Backoff:BackOff']);
    m.clock.increment(1000);
    expect(m.log()).toEqual(['Starting:Restarting', 'spawn']);
    expect(m.context().restarts).toBe(1);
  });

  it('recovers from Unhealthy on a healthy heartbeat', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(healthy);
    m.clock.increment(15_000);
    expect(m.phase()).toBe('Unhealthy');
    m.log();
    m.actor.send(healthy);
    expect(m.log()).toEqual(['Running:Recovered']);
  });

  it('marks a stalled stream Unhealthy without restarting the worker that reports it', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(healthy);
    m.log();
    m.actor.send(stalled);
    expect(m.log()).toEqual(['Unhealthy:StreamStalled']);
    expect(m.context().message).toBe('main: connection refused');
    for (let i = 0; i < 10; i++) {
      m.clock.increment(10_000);
      m.actor.send(stalled);
    }
    expect(m.log()).not.toContain('stop');
    expect(m.phase()).toBe('Unhealthy');
    m.actor.send(healthy);
    expect(m.log()).toEqual(['Running:Recovered']);
  });

  it('reports a worker that never connects as stalled, and one that never reports as missing', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(stalled);
    m.clock.increment(15_000);
    expect(m.context().reason).toBe('StreamStalled');

    const silent = start();
    silent.actor.send({ type: 'START' });
    silent.clock.increment(15_000);
    expect(silent.context().reason).toBe('HeartbeatMissed');
  });

  it('restarts a crashed worker after min(initial * 2^n, max), counting restarts', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(healthy);
    m.log();
    const delays: number[] = [];
    for (let n = 0; n < 6; n++) {
      m.actor.send(n % 2 ? killed : crash);
      expect(m.phase()).toBe('Backoff');
      const before = m.clock.now();
      while (m.phase() === 'Backoff') m.clock.increment(100);
      delays.push(m.clock.now() - before);
      expect(m.phase()).toBe('Starting');
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(m.context().restarts).toBe(6);
    const crashes = m.log().filter((entry) => entry.startsWith('Crashed'));
    expect(crashes).toHaveLength(6);
  });

  it('says why the worker died', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(killed);
    expect(m.context().lastExit).toEqual({ code: null, signal: 'SIGKILL' });
    const crashed = m.log().find((entry) => entry.startsWith('Crashed'));
    expect(crashed).toBe('Crashed:Crashed');
  });

  it('resets the backoff after a stable run', () => {
    m.actor.send({ type: 'START' });
    for (let i = 0; i < 3; i++) {
      m.actor.send(crash);
      m.clock.increment(backoffDelayMs(policy, i + 1));
    }
    for (let t = 0; t < 119_000; t += 10_000) {
      m.actor.send(healthy);
      m.clock.increment(Math.min(10_000, 119_000 - t));
    }
    expect(m.phase()).toBe('Running');
    expect(m.context().consecutiveCrashes).toBe(3);
    m.actor.send(healthy);
    m.clock.increment(1_000);
    expect(m.context().consecutiveCrashes).toBe(0);
    m.actor.send(crash);
    expect(m.context().backoffMs).toBe(1000);
  });

  it('fails past maxRestarts consecutive crashes, and tries again on a new spec', () => {
    const limited = start({ maxRestarts: 2 });
    limited.actor.send({ type: 'START' });
    limited.actor.send(crash);
    limited.clock.increment(1000);
    limited.actor.send(crash);
    limited.clock.increment(2000);
    expect(limited.phase()).toBe('Starting');
    limited.log();
    limited.actor.send(crash);
    expect(limited.log()).toEqual(['Crashed:Crashed', 'Failed:Failed']);
    expect(limited.context().message).toMatch(/gave up after 3 consecutive crashes/);
    limited.actor.send({ type: 'START' }); // a resync does not revive it
    expect(limited.phase()).toBe('Failed');
    limited.actor.send({ type: 'RESTART', reason: 'spec changed' });
    expect(limited.log()).toEqual(['Starting:Starting', 'spawn']);
    expect(limited.context().consecutiveCrashes).toBe(0);
  });

  it('stops gracefully and starts again', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(healthy);
    m.log();
    m.actor.send({ type: 'STOP' });
    expect(m.log()).toEqual(['Stopping:Stopping', 'stop']);
    m.actor.send(healthy); // a last heartbeat from the stopping worker changes nothing
    m.actor.send({ type: 'WORKER_EXITED', exit: { code: 0, signal: null } });
    expect(m.log()).toEqual(['Stopped:Stopped']);
    expect(m.context().restarts).toBe(0);
    m.actor.send({ type: 'START' });
    expect(m.log()).toEqual(['Starting:Starting', 'spawn']);
  });

  it('restarts for a new spec without counting a crash', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(healthy);
    m.log();
    m.actor.send({ type: 'RESTART', reason: 'stream URL changed' });
    expect(m.log()).toEqual(['Stopping:Stopping', 'stop']);
    m.actor.send({ type: 'WORKER_EXITED', exit: { code: 0, signal: null } });
    expect(m.log()).toEqual(['Starting:Starting', 'spawn']);
    expect(m.context()).toMatchObject({ restarts: 0, consecutiveCrashes: 0 });
  });

  it('stops from Backoff without a worker to stop, and from Pending', () => {
    m.actor.send({ type: 'START' });
    m.actor.send(crash);
    m.log();
    m.actor.send({ type: 'STOP' });
    expect(m.log()).toEqual(['Stopped:Stopped']);
    m.clock.increment(60_000);
    expect(m.phase()).toBe('Stopped');

    const never = start();
    never.actor.send({ type: 'STOP' });
    expect(never.phase()).toBe('Stopped');
  });

  it('applies a new policy to the next delay', () => {
    m.actor.send({ type: 'START' });
    m.actor.send({ type: 'POLICY', policy: { ...policy, initialBackoffMs: 250 } });
    m.actor.send(crash);
    expect(m.context().backoffMs).toBe(250);
  });

  it('announces each moment once, Warning for trouble and Normal otherwise', () => {
    const events: CameraMachineEmitted[] = [];
    const fresh = start();
    fresh.actor.on('transition', (event) => events.push(event));
    fresh.actor.send({ type: 'START' });
    fresh.actor.send(crash);
    expect(events.map((e) => (e.type === 'transition' ? [e.from, e.phase, e.eventType] : []))).toEqual([
      ['Pending', 'Starting', 'Normal'],
      ['Starting', 'Crashed', 'Warning'],
      ['Crashed', 'Backoff', 'Warning'],
    ]);
  });
});

describe('camera lifecycle machine while stopping', () => {
  it('starts again after the stop when wanted again meanwhile', () => {
    const m = start();
    m.actor.send({ type: 'START' });
    m.actor.send(healthy);
    m.actor.send({ type: 'STOP' });
    m.actor.send({ type: 'START' });
    m.log();
    m.actor.send({ type: 'WORKER_EXITED', exit: { code: 0, signal: null } });
    expect(m.log()).toEqual(['Starting:Starting', 'spawn']);
  });

  it('keeps counting an unresponsive worker as crashed even if a resync asks to run it', () => {
    const m = start();
    m.actor.send({ type: 'START' });
    m.clock.increment(15_000);
    m.clock.increment(30_000);
    expect(m.phase()).toBe('Stopping');
    m.actor.send({ type: 'START' });
    m.actor.send(killed);
    expect(m.phase()).toBe('Backoff');
    expect(m.context().consecutiveCrashes).toBe(1);
  });
});
