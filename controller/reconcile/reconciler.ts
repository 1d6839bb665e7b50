import { copyWith } from '../../lib/fixed-shape.js';
import type { Logger } from '../../lib/logger.js';
import { CameraSupervisor, type SupervisorDependencies } from '../lifecycle/camera-supervisor.js';
import type { CameraStore } from '../store/camera-store.js';
import { planChange } from './plan.js';

/** A reconcile that must look again later (a worker still stopping), without it being an error. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * Makes what runs match what is declared, for one camera at a time: level-triggered, it reads
 * the desired state and the actual one afresh on every call and never relies on the event that
 * queued it. Start, stop, restart or live update: the supervisor carries it out.
 */
export class Reconciler {
  private readonly supervisors = new Map<string, CameraSupervisor>();

  constructor(
    private readonly store: CameraStore,
    private readonly dependencies: SupervisorDependencies,
    private readonly logger: Logger,
  ) {}

  /** Every camera with a supervisor, running or not. */
  all(): IterableIterator<CameraSupervisor> {
    return this.supervisors.values();
  }

  supervisor(name: string): CameraSupervisor | undefined {
    return this.supervisors.get(name);
  }

  /** Names of cameras that have a supervisor: the actual state, for the periodic resync. */
  actualNames(): string[] {
    return [...this.supervisors.keys()];
  }

  reconcile(name: string): ReconcileResult {
    const desired = this.store.desired(name);
    const supervisor = this.supervisors.get(name);
    const manifest = desired?.manifest;

    // Deleted, or never valid: no worker may run. The supervisor goes once the worker is gone.
    if (!manifest) {
      if (!supervisor) return {};
      if (!supervisor.idle) {
        supervisor.stop();
        return { requeueAfterMs: 200 };
      }
      supervisor.dispose();
      this.supervisors.delete(name);
      this.logger.info({ camera: name }, 'camera removed');
      return {};
    }

    if (!supervisor) {
      const created = new CameraSupervisor(name, manifest, this.dependencies);
      this.supervisors.set(name, created);
      if (manifest.spec.enabled) created.run(manifest);
      else created.stop();
    } else if (!manifest.spec.enabled) {
      supervisor.applied = manifest;
      supervisor.stop();
    } else {
      const change = supervisor.applied ? planChange(supervisor.applied, manifest) : ({ action: 'none' } as const);
      if (change.action === 'restart') supervisor.restart(manifest, change.reason);
      else if (change.action === 'update') supervisor.update(manifest, change.what);
      // Level-triggered: a camera that should run but is stopped (re-enabled, or re-created while
      // its old worker was stopping) is started; a running one is left alone.
      supervisor.run(manifest);
    }
    this.store.updateStatus(name, (status) => copyWith(status, { observedGeneration: desired.generation }));
    return {};
  }
}
