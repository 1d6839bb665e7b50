// `camlet describe camera NAME`, laid out as `kubectl describe pod`: "Key:<tab>value" lines in
// sections, aligned by Go's tabwriter the way kubectl's describers are, the conditions as a table,
// and the camera's events at the bottom (Type, Reason, Age, From, Message).
import type { EventObject } from '../../controller/events/event-recorder.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { redactUrl } from '../../lib/redact.js';
import { age } from './age.js';
import { DESCRIBE, tabwrite } from './tabwriter.js';

type CameraSpec = NonNullable<CameraObject['spec']>;

/** Lines of "Key:\tvalue" at an indentation level, as kubectl's PrefixWriter writes them. */
class Lines {
  private text = '';

  line(level: number, key: string, value?: string): void {
    const indent = '  '.repeat(level);
    // Values can hold tabs or line breaks only by mistake; they would break the alignment.
    this.text += value === undefined ? `${indent}${key}\n` : `${indent}${key}:\t${value.replace(/[\t\n]/g, ' ')}\n`;
  }

  row(level: number, cells: string[]): void {
    this.text += `${'  '.repeat(level)}${cells.map((cell) => cell.replace(/[\t\n]/g, ' ')).join('\t')}\n`;
  }

  toString(): string {
    return tabwrite(this.text, DESCRIBE);
  }
}

function seconds(value: number): string {
  return `${value}s`;
}

function when(timestamp: string | undefined, now: number): string {
  return timestamp ? `${timestamp} (${age(timestamp, now)} ago)` : '<none>';
}

function map(values: Record<string, string> | undefined, lines: Lines, key: string): void {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) {
    lines.line(0, key, '<none>');
    return;
  }
  // As kubectl: the first pair beside the key, the others below it, aligned under the first.
  entries.forEach(([name, value], i) => (i === 0 ? lines.line(0, key, `${name}=${value}`) : lines.row(0, ['', `${name}=${value}`])));
}

function describeSpec(spec: CameraSpec, lines: Lines): void {
  lines.line(0, 'Spec:');
  lines.line(1, 'Enabled', String(spec.enabled));
  lines.line(1, 'Main Stream', `${redactUrl(spec.streams.main.url)} (${spec.streams.main.transport})`);
  lines.line(1, 'Sub Stream', spec.streams.sub ? `${redactUrl(spec.streams.sub.url)} (${spec.streams.sub.transport})` : '<none> (the main stream is analysed)');
  const { motion, recording, health, restart } = spec;
  const area = `${Math.round(motion.minArea * 1000) / 10}%`;
  lines.line(
    1,
    'Motion',
    motion.enabled
      ? `${motion.fps} fps at ${motion.width} px wide, threshold ${motion.threshold}, min area ${area}, ${motion.zones.length} zone(s), ${motion.masks.length} mask(s)`
      : 'off',
  );
  const rolls = recording.mode === 'motion' ? `, pre-roll ${seconds(recording.preRollSeconds)}, post-roll ${seconds(recording.postRollSeconds)}` : '';
  const segments = recording.mode === 'continuous' ? `, ${recording.segmentMinutes} min files` : '';
  lines.line(1, 'Recording', `${recording.mode}${rolls}${segments}, kept ${recording.retention.maxAgeDays}d or up to ${recording.retention.maxBytes}`);
  lines.line(1, 'Health', `heartbeat every ${seconds(health.heartbeatSeconds)}, unhealthy after ${seconds(health.timeoutSeconds)}, restarted after ${seconds(health.unhealthyRestartSeconds)} more`);
  const limit = restart.maxRestarts === 0 ? 'no limit' : `at most ${restart.maxRestarts}`;
  lines.line(1, 'Restart', `backoff ${seconds(restart.initialBackoffSeconds)} to ${seconds(restart.maxBackoffSeconds)}, ${limit}, reset after ${seconds(restart.resetAfterSeconds)}`);
}

function describeStatus(camera: CameraObject, lines: Lines, now: number): void {
  const { status } = camera;
  lines.line(0, 'Status:');
  lines.line(1, 'Phase', status.phase ?? '<none>');
  if (status.reason) lines.line(1, 'Reason', status.reason);
  if (status.message) lines.line(1, 'Message', redactUrl(status.message));
  lines.line(1, 'Observed Generation', status.observedGeneration === undefined ? '<none>' : String(status.observedGeneration));
  lines.line(1, 'Restarts', String(status.restarts ?? 0));
  lines.line(1, 'Last Heartbeat', when(status.lastHeartbeatTime, now));
  const worker = status.worker;
  lines.line(1, 'Worker', worker ? `${worker.runtime ?? 'unknown'} runtime, pid ${worker.pid ?? '<none>'}, started ${age(worker.startTime, now)} ago` : '<none>');
  const streams = Object.entries(status.streams ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (streams.length === 0) lines.line(1, 'Streams', '<none>');
  else {
    lines.line(1, 'Streams:');
    for (const [role, figures] of streams) {
      const fps = figures.fps === undefined ? '' : `, ${Math.round(figures.fps * 10) / 10} fps`;
      const frame = figures.lastFrameTime ? `, last frame ${age(figures.lastFrameTime, now)} ago` : '';
      lines.line(2, role, `${figures.connected ? 'connected' : 'not connected'}${fps}, ${figures.frames ?? 0} frames, ${figures.reconnects ?? 0} reconnects${frame}`);
    }
  }
  const motion = status.motion;
  if (motion) {
    const active = motion.active ? ', motion now' : '';
    lines.line(1, 'Motion', `${Math.round((motion.analysedFps ?? 0) * 10) / 10} fps analysed, ${Math.round((motion.skippedFps ?? 0) * 10) / 10} fps skipped${active}`);
  }
}

function describeConditions(camera: CameraObject, lines: Lines, now: number): void {
  const conditions = camera.status.conditions ?? [];
  if (conditions.length === 0) {
    lines.line(0, 'Conditions', '<none>');
    return;
  }
  lines.line(0, 'Conditions:');
  lines.row(1, ['Type', 'Status', 'Reason', 'Last Transition', 'Message']);
  lines.row(1, ['----', '------', '------', '---------------', '-------']);
  for (const c of conditions) lines.row(1, [c.type, c.status, c.reason ?? '', age(c.lastTransitionTime, now), redactUrl(c.message ?? '')]);
}

function describeRecording(camera: CameraObject, lines: Lines, now: number): void {
  const recording = camera.status.recording;
  if (!recording) {
    lines.line(0, 'Recording', '<none>');
    return;
  }
  lines.line(0, 'Recording:');
  lines.line(1, 'Trigger', recording.trigger ?? '<none>');
  lines.line(1, 'Started', when(recording.startTime, now));
  lines.line(1, 'Id', recording.id ?? '<none>');
}

/** "5m", or "5m (x3 over 20m)" for an event seen several times, as kubectl describe shows it. */
function eventAge(event: EventObject, now: number): string {
  const last = age(event.lastTimestamp, now);
  return event.count > 1 ? `${last} (x${event.count} over ${age(event.firstTimestamp, now)})` : last;
}

function describeEvents(events: EventObject[], lines: Lines, now: number): void {
  if (events.length === 0) {
    lines.line(0, 'Events', '<none>');
    return;
  }
  lines.line(0, 'Events:');
  lines.row(1, ['Type', 'Reason', 'Age', 'From', 'Message']);
  lines.row(1, ['----', '------', '----', '----', '-------']);
  for (const event of events) lines.row(1, [event.type, event.reason, eventAge(event, now), event.source.component, event.message]);
}

/** The whole description; `events` oldest first. */
export function describeCamera(camera: CameraObject, events: EventObject[], now: number): string {
  const lines = new Lines();
  const { metadata } = camera;
  lines.line(0, 'Name', metadata.name);
  map(metadata.labels, lines, 'Labels');
  map(metadata.annotations, lines, 'Annotations');
  lines.line(0, 'API Version', camera.apiVersion);
  lines.line(0, 'Kind', camera.kind);
  lines.line(0, 'Creation Timestamp', when(metadata.creationTimestamp, now));
  lines.line(0, 'Generation', String(metadata.generation));
  if (camera.spec) describeSpec(camera.spec, lines);
  else lines.line(0, 'Spec', '<none> (no valid manifest yet)');
  describeStatus(camera, lines, now);
  describeConditions(camera, lines, now);
  describeRecording(camera, lines, now);
  describeEvents(events, lines, now);
  return lines.toString();
}
