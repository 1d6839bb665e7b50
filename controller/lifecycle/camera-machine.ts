import { assign, emit, enqueueActions, setup } from 'xstate';

/**
 * The lifecycle of one camera's worker, as DESIGN.md draws it:
 *
 *   Pending ─START─▶ Starting ─healthy heartbeat─▶ Running ◀─healthy heartbeat─ Unhealthy
 *                       │                            │   missed deadline / stalled  ▲
 *                       │                            └──────────────────────────────┘
 *             any live state ─worker exit─▶ Crashed ─▶ Backoff ─delay─▶ Starting
 *                                             └─ past maxRestarts ─▶ Failed
 *             any state ─STOP─▶ Stopping ─exit─▶ Stopped ─START─▶ Starting
 *
 * The machine only decides. It emits what must be done (`spawn`, `stop`) and what happened
 * (`transition`), and the supervisor carries that out; so the machine is driven in tests on a
 * simulated clock with no process at all. Every delay reads the policy from context, which
 * a spec change updates without restarting anything.
 */

export const PHASES = ['Pending', 'Starting', 'Running', 'Unhealthy', 'Crashed', 'Backoff', 'Stopping', 'Stopped', 'Failed'] as const;
export type MachinePhase = (typeof PHASES)[number];

export interface LifecyclePolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Consecutive crashes tolerated; 0: no limit. */
  maxRestarts: number;
  /** A run this long resets the backoff exponent. */
  resetAfterMs: number;
  /** No heartbeat for this long: Unhealthy. */
  heartbeatTimeoutMs: number;
  /** Still no heartbeat this long after becoming Unhealthy: restart the worker. */
  unhealthyRestartMs: number;
}

export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** Why the runtime could not run the worker at all (spawn error), if that is what happened. */
  error?: string;
}

export type CameraMachineEvent =
  | { type: 'START' }
  | { type: 'STOP' }
  /** Run again with a new spec: stop the worker if one runs, then start; also leaves Failed. */
  | { type: 'RESTART'; reason: string }
  | { type: 'HEARTBEAT'; healthy: boolean; detail: string }
  | { type: 'WORKER_EXITED'; exit: WorkerExit }
  | { type: 'POLICY'; policy: LifecyclePolicy };

export type EventType = 'Normal' | 'Warning';

export type CameraMachineEmitted =
  | { type: 'spawn' }
  | { type: 'stop' }
  /** A moment worth an Event; `from` equals `phase` when the phase did not change. */
  | { type: 'transition'; from: MachinePhase | undefined; phase: MachinePhase; eventType: EventType; reason: string; message: string };

export interface CameraMachineContext {
  policy: LifecyclePolicy;
  /** Restarts after a crash, for the status (never reset, like a Pod's restartCount). */
  restarts: number;
  /** Crashes since the last stable run: the backoff exponent. */
  consecutiveCrashes: number;
  backoffMs: number;
  heartbeatSeen: boolean;
  /** What Stopping leads to once the worker is gone: Crashed when it was stopped for being unresponsive. */
  afterStop: 'Stopped' | 'Starting' | 'Crashed';
  phase: MachinePhase | undefined;
  reason: string;
  message: string;
  lastExit?: WorkerExit;
}

export function describeExit(exit: WorkerExit): string {
  if (exit.error) return `worker could not start: ${exit.error}`;
  if (exit.signal) return `worker was killed by ${exit.signal}`;
  return `worker exited with code ${exit.code}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Backoff before restart n (from 1): min(initial * 2^(n-1), max). */
export function backoffDelayMs(policy: LifecyclePolicy, consecutiveCrashes: number): number {
  return Math.min(policy.initialBackoffMs * 2 ** Math.max(0, consecutiveCrashes - 1), policy.maxBackoffMs);
}

/** The moments the machine announces: each phase, and the two ways of being Unhealthy. */
type Moment = Exclude<MachinePhase, 'Unhealthy'> | 'StreamStalled' | 'HeartbeatMissed' | 'Unresponsive';

interface Announcement {
  phase: MachinePhase;
  eventType: EventType;
  reason: string;
  message: string;
}

/** The Event (reason, message) that a moment is recorded as, in Kubernetes' words where it has them. */
function announce(moment: Moment, context: CameraMachineContext, event: CameraMachineEvent): Announcement {
  const normal = (phase: MachinePhase, reason: string, message: string): Announcement => ({ phase, eventType: 'Normal', reason, message });
  const warning = (phase: MachinePhase, reason: string, message: string): Announcement => ({ phase, eventType: 'Warning', reason, message });
  switch (moment) {
    case 'Pending':
      return normal('Pending', 'Pending', 'waiting for the first reconcile');
    case 'Starting':
      return context.phase === 'Backoff'
        ? normal('Starting', 'Restarting', `starting the worker again (restart ${context.restarts})`)
        : normal('Starting', 'Starting', 'starting the worker');
    case 'Running':
      return context.phase === 'Unhealthy'
        ? normal('Running', 'Recovered', 'the worker is healthy again')
        : normal('Running', 'Started', 'the worker runs and every stream delivers frames');
    case 'StreamStalled':
      return warning('Unhealthy', 'StreamStalled', event.type === 'HEARTBEAT' ? event.detail : 'the worker reports, but no stream has delivered frames yet');
    case 'HeartbeatMissed':
      return warning('Unhealthy', 'HeartbeatMissed', `no heartbeat from the worker for ${seconds(context.policy.heartbeatTimeoutMs)}`);
    case 'Unresponsive': // still Unhealthy: Stopping, entered next, announces itself
      return warning('Unhealthy', 'Unresponsive', `no heartbeat for ${seconds(context.policy.heartbeatTimeoutMs + context.policy.unhealthyRestartMs)}: restarting the worker`);
    case 'Crashed':
      return warning('Crashed', 'Crashed', context.lastExit ? describeExit(context.lastExit) : 'the worker stopped');
    case 'Backoff':
      return warning('Backoff', 'BackOff', `back-off ${seconds(context.backoffMs)} restarting the failed worker`);
    case 'Stopping':
      return normal('Stopping', 'Stopping', context.afterStop === 'Stopped' ? 'stopping the worker' : 'stopping the worker to restart it');
    case 'Stopped':
      return normal('Stopped', 'Stopped', 'the worker is stopped');
    case 'Failed':
      return warning(
        'Failed',
        'Failed',
        `gave up after ${context.consecutiveCrashes} consecutive crashes (restart.maxRestarts is ${context.policy.maxRestarts}); change the camera's spec to try again`,
      );
  }
}

const to = (moment: Moment) => ({ type: 'enter', params: { moment } }) as const;

export const cameraMachine = setup({
  types: {
    context: {} as CameraMachineContext,
    events: {} as CameraMachineEvent,
    emitted: {} as CameraMachineEmitted,
    input: {} as { policy: LifecyclePolicy },
  },
  delays: {
    heartbeatTimeout: ({ context }) => context.policy.heartbeatTimeoutMs,
    unhealthyRestart: ({ context }) => context.policy.unhealthyRestartMs,
    resetAfter: ({ context }) => context.policy.resetAfterMs,
    backoff: ({ context }) => context.backoffMs,
  },
  guards: {
    pastMaxRestarts: ({ context }) => context.policy.maxRestarts > 0 && context.consecutiveCrashes > context.policy.maxRestarts,
    startAfterStop: ({ context }) => context.afterStop === 'Starting',
    crashAfterStop: ({ context }) => context.afterStop === 'Crashed',
    healthy: ({ event }) => event.type === 'HEARTBEAT' && event.healthy,
    heartbeatSeen: ({ context }) => context.heartbeatSeen,
  },
  actions: {
    // Emit the transition while context.phase is still the phase being left, then record the new one.
    enter: enqueueActions(({ context, event, enqueue }, { moment }: { moment: Moment }) => {
      const { phase, eventType, reason, message } = announce(moment, context, event);
      enqueue.emit({ type: 'transition', from: context.phase, phase, eventType, reason, message });
      enqueue.assign({ phase, reason, message });
    }),
    spawnWorker: emit({ type: 'spawn' } as const),
    stopWorker: emit({ type: 'stop' } as const),
    noteHeartbeat: assign({ heartbeatSeen: true }),
    forgetHeartbeats: assign({ heartbeatSeen: false }),
    updatePolicy: assign({ policy: ({ context, event }) => (event.type === 'POLICY' ? event.policy : context.policy) }),
    thenStart: assign({ afterStop: 'Starting' as const }),
    thenStop: assign({ afterStop: 'Stopped' as const }),
    thenCrash: assign({ afterStop: 'Crashed' as const }),
    resetBackoff: assign({ consecutiveCrashes: 0 }),
    countCrash: assign({
      consecutiveCrashes: ({ context }) => context.consecutiveCrashes + 1,
      lastExit: ({ event, context }) => (event.type === 'WORKER_EXITED' ? event.exit : context.lastExit),
    }),
    countRestart: assign({ restarts: ({ context }) => context.restarts + 1 }),
    computeBackoff: assign({ backoffMs: ({ context }) => backoffDelayMs(context.policy, context.consecutiveCrashes) }),
  },
}).createMachine({
  id: 'camera',
  initial: 'Pending',
  context: ({ input }) => ({
    policy: input.policy,
    restarts: 0,
    consecutiveCrashes: 0,
    backoffMs: 0,
    heartbeatSeen: false,
    afterStop: 'Stopped',
    phase: undefined,
    reason: '',
    message: '',
  }),
  on: {
    POLICY: { actions: 'updatePolicy' },
  },
  states: {
    Pending: {
      entry: to('Pending'),
      on: { START: 'Starting', RESTART: 'Starting', STOP: 'Stopped' },
    },

    Starting: {
      entry: ['forgetHeartbeats', to('Starting'), 'spawnWorker'],
      after: {
        heartbeatTimeout: [{ guard: 'heartbeatSeen', target: 'Unhealthy.StreamStalled' }, { target: 'Unhealthy.HeartbeatMissed' }],
      },
      on: {
        HEARTBEAT: [{ guard: 'healthy', target: 'Running' }, { actions: 'noteHeartbeat' }],
        WORKER_EXITED: 'Crashed',
        STOP: { target: 'Stopping', actions: 'thenStop' },
        RESTART: { target: 'Stopping', actions: 'thenStart' },
      },
    },

    Running: {
      entry: to('Running'),
      // The backoff exponent resets only after a stable run, so a crash loop keeps backing off.
      after: { resetAfter: { actions: 'resetBackoff' } },
      initial: 'Watching',
      states: {
        // Each healthy heartbeat re-enters Watching, which restarts the deadline.
        Watching: {
          after: { heartbeatTimeout: '#camera.Unhealthy.HeartbeatMissed' },
          on: {
            HEARTBEAT: [{ guard: 'healthy', target: 'Watching', reenter: true }, { target: '#camera.Unhealthy.StreamStalled' }],
          },
        },
      },
      on: {
        WORKER_EXITED: 'Crashed',
        STOP: { target: 'Stopping', actions: 'thenStop' },
        RESTART: { target: 'Stopping', actions: 'thenStart' },
      },
    },

    Unhealthy: {
      initial: 'StreamStalled', // only ever entered through one of its two states
      on: {
        WORKER_EXITED: 'Crashed',
        STOP: { target: 'Stopping', actions: 'thenStop' },
        RESTART: { target: 'Stopping', actions: 'thenStart' },
      },
      states: {
        // The worker reports, but a stream delivers nothing: the worker reconnects by itself,
        // so it is left running; only its silence gets it restarted.
        StreamStalled: {
          entry: to('StreamStalled'),
          after: { heartbeatTimeout: 'HeartbeatMissed' },
          on: {
            HEARTBEAT: [{ guard: 'healthy', target: '#camera.Running' }, { target: 'StreamStalled', reenter: true }],
          },
        },
        // The worker itself is silent: give it a while longer, then stop it and treat that as a
        // crash, so that a worker that hangs again and again backs off like one that crashes.
        HeartbeatMissed: {
          entry: to('HeartbeatMissed'),
          after: {
            unhealthyRestart: { target: '#camera.Stopping', actions: ['thenCrash', to('Unresponsive')] },
          },
          on: {
            HEARTBEAT: [{ guard: 'healthy', target: '#camera.Running' }, { target: 'StreamStalled' }],
          },
        },
      },
    },

    Crashed: {
      entry: ['countCrash', to('Crashed')],
      always: [{ guard: 'pastMaxRestarts', target: 'Failed' }, { target: 'Backoff' }],
    },

    Backoff: {
      entry: ['computeBackoff', to('Backoff')],
      after: { backoff: { target: 'Starting', actions: 'countRestart' } },
      on: {
        STOP: 'Stopped',
        RESTART: { target: 'Starting', actions: 'resetBackoff' },
      },
    },

    Stopping: {
      entry: [to('Stopping'), 'stopWorker'],
      on: {
        WORKER_EXITED: [{ guard: 'startAfterStop', target: 'Starting' }, { guard: 'crashAfterStop', target: 'Crashed' }, { target: 'Stopped' }],
        // Wanted again while stopping (re-enabled, re-created): start once the old worker is gone.
        // A worker stopped for hanging still counts as a crash, whatever a resync says.
        START: { guard: ({ context }) => context.afterStop === 'Stopped', actions: 'thenStart' },
        RESTART: { actions: 'thenStart' },
        STOP: { actions: 'thenStop' },
      },
    },

    Stopped: {
      entry: to('Stopped'),
      on: { START: 'Starting', RESTART: 'Starting' },
    },

    Failed: {
      entry: to('Failed'),
      on: {
        RESTART: { target: 'Starting', actions: 'resetBackoff' },
        STOP: 'Stopped',
      },
    },
  },
});
