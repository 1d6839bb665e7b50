import type { Logger } from '../../lib/logger.js';
import type { EventRecorder } from '../events/event-recorder.js';
import type { Metrics } from '../metrics/metrics.js';
import { knownFromSpoolJournals } from './known-recordings.js';
import { reconcileStorage, type LostFile, type ReconcileReport } from './reconcile-storage.js';
import type { RecordingsIndex } from './recordings-index.js';

/** Paths named in one camera's lost+found Warning; the log has them all. */
const PATHS_PER_EVENT = 5;

/**
 * The controller's start-up reconciliation of the index with storage (reconcile-storage.ts),
 * told the way the rest of the controller tells things: a log line with the counts, the
 * camlet_index_reconciled_total counters, and a Warning Event per camera whose files went to
 * lost+found. Undefined when it failed: that is logged, and the cameras start all the same
 * (recording matters more than the index; the next start tries again).
 */
export async function reconcileAtStart(index: RecordingsIndex, storage: string, logger: Logger, metrics: Metrics, events: EventRecorder): Promise<ReconcileReport | undefined> {
  const started = Date.now();
  let report: ReconcileReport;
  try {
    report = await reconcileStorage({ index, storage, logger, known: await knownFromSpoolJournals(storage) });
  } catch (error) {
    logger.error({ storage, err: (error as Error).message }, 'reconciling the recordings index with storage failed; cameras start anyway');
    return undefined;
  }
  metrics.indexReconciledCounts(report.counts);
  logger.info({ storage, index: index.file, ...report.counts, seconds: (Date.now() - started) / 1000 }, 'recordings index reconciled with storage');
  const byCamera = new Map<string, LostFile[]>();
  for (const file of report.lostAndFound) byCamera.set(file.camera, [...(byCamera.get(file.camera) ?? []), file]);
  for (const [camera, files] of byCamera) {
    const named = files.slice(0, PATHS_PER_EVENT).map((f) => `${f.path} (${f.reason.slice(0, 200)})`);
    const more = files.length > PATHS_PER_EVENT ? ` and ${files.length - PATHS_PER_EVENT} more` : '';
    events.record({ kind: 'Camera', name: camera }, 'Warning', 'RecordingLostAndFound', `${files.length} unplayable recording file(s) moved to lost+found/: ${named.join(', ')}${more}`);
  }
  return report;
}
