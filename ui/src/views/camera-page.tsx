import type { Camera } from '../api/types';
import { age, fps } from '../format';
import { cameras, events, eventsOf, motionNow, useWatch } from '../state';
import { MotionBadge, PhaseBadge, RecordingDot } from './badges';
import { isRecording } from './camera-facts';
import { LiveVideo } from './live-video';
import { LogsViewer } from './logs-viewer';
import { RecordingsPanel } from './recordings-panel';
import { RecordButton } from './record-button';
import { SettingsEditor } from './settings-editor';

function Facts({ camera }: { camera: Camera }) {
  const { status, spec, metadata } = camera;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const rows: [string, string][] = [
    ['Ready', ready ? `${ready.status}${ready.reason ? ` (${ready.reason})` : ''}` : '—'],
    ['Restarts', String(status.restarts ?? 0)],
    ['Generation', `${metadata.generation ?? '—'} (observed ${status.observedGeneration ?? '—'})`],
    ['Last heartbeat', status.lastHeartbeatTime ? `${age(status.lastHeartbeatTime)} ago` : '—'],
    ['Worker', status.worker?.pid ? `pid ${status.worker.pid}, up ${age(status.worker.startTime)}` : '—'],
    ['Recording mode', spec?.recording.mode ?? '—'],
    ['Recording now', status.recording?.startTime ? `${status.recording.trigger ?? ''} since ${age(status.recording.startTime)}` : 'no'],
    ['Motion analysis', status.motion?.analysedFps !== undefined ? `${fps(status.motion.analysedFps)}${status.motion.skippedFps ? `, ${fps(status.motion.skippedFps)} skipped` : ''}` : '—'],
  ];
  if (status.message) rows.push(['Message', status.message]);
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Streams({ camera }: { camera: Camera }) {
  const names = Object.keys(camera.spec?.streams ?? {}) as ('main' | 'sub')[];
  return (
    <div class="scroll">
      <table class="table">
        <thead>
          <tr>
            <th>Stream</th>
            <th>URL</th>
            <th class="num">FPS</th>
            <th class="num">Reconnects</th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => {
            const figures = camera.status.streams?.[name];
            return (
              <tr key={name}>
                <td class="nowrap">
                  <span class={`conn-mark ${figures?.connected ? 'up' : 'down'}`} title={figures?.connected ? 'connected' : 'not connected'} />
                  {name.toUpperCase()}
                </td>
                <td class="mono ellipsis" title={camera.spec?.streams[name]?.url}>
                  {camera.spec?.streams[name]?.url}
                </td>
                <td class="num">{figures?.fps?.toFixed(1) ?? '—'}</td>
                <td class="num">{figures?.reconnects ?? 0}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Conditions({ camera }: { camera: Camera }) {
  const conditions = camera.status.conditions ?? [];
  return (
    <div class="scroll">
      <table class="table conditions">
        <thead>
          <tr>
            <th>Type</th>
            <th>Status</th>
            <th>Reason</th>
            <th>Message</th>
            <th class="num">Age</th>
          </tr>
        </thead>
        <tbody>
          {conditions.map((condition) => (
            <tr key={condition.type} data-condition={condition.type}>
              <td>{condition.type}</td>
              <td>
                <span class={`cond cond-${condition.status.toLowerCase()}`}>{condition.status}</span>
              </td>
              <td>{condition.reason ?? ''}</td>
              <td class="wrap">{condition.message ?? ''}</td>
              <td class="num">{age(condition.lastTransitionTime)}</td>
            </tr>
          ))}
          {conditions.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No conditions yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function Events({ name }: { name: string }) {
  useWatch(events, 5_000);
  const recent = eventsOf(name);
  return (
    <div class="scroll">
      <table class="table events">
        <thead>
          <tr>
            <th class="num">Last seen</th>
            <th>Type</th>
            <th>Reason</th>
            <th>Message</th>
            <th class="num">Count</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((event) => (
            <tr key={event.metadata.name} class={event.type === 'Warning' ? 'warning' : ''} data-reason={event.reason}>
              <td class="num">{age(event.lastTimestamp)}</td>
              <td>{event.type}</td>
              <td>{event.reason}</td>
              <td class="wrap">{event.message}</td>
              <td class="num">{event.count}</td>
            </tr>
          ))}
          {recent.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No events in the last hour.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function CameraPage({ name }: { name: string }) {
  useWatch(cameras, 1_000);
  const camera = cameras.objects.get(name);
  if (!camera) {
    return (
      <main class="camera-page">
        <p class="empty-note">{cameras.connection === 'live' ? `There is no camera "${name}".` : 'Loading…'}</p>
      </main>
    );
  }
  const live = camera.status.phase !== 'Invalid' && camera.spec?.enabled !== false;
  return (
    <main class="camera-page" data-camera={name}>
      <div class="camera-head">
        <a class="back" href="#/">
          ‹ All cameras
        </a>
        <h1>{name}</h1>
        <PhaseBadge phase={camera.status.phase} />
        <MotionBadge motion={motionNow(camera)} />
        <RecordingDot recording={isRecording(camera)} />
        <RecordButton camera={camera} />
        <span class="spacer" />
        {Object.entries(camera.metadata.labels ?? {}).map(([key, value]) => (
          <span key={key} class="label">{`${key}=${value}`}</span>
        ))}
      </div>
      <div class="camera-body">
        <section class="panel video-panel">
          {live ? <LiveVideo camera={name} stream="main" showLatency /> : <div class="live live-off">No live view: the camera is {camera.status.phase}</div>}
        </section>
        <section class="panel">
          <h2>Status</h2>
          <Facts camera={camera} />
          <h2>Streams</h2>
          <Streams camera={camera} />
        </section>
        <section class="panel">
          <h2>Conditions</h2>
          <Conditions camera={camera} />
        </section>
        <section class="panel">
          <h2>Recent events</h2>
          <Events name={name} />
        </section>
        <section class="panel tools-panel logs-panel">
          <h2>Logs</h2>
          <LogsViewer camera={name} />
        </section>
        <section class="panel tools-panel settings-panel">
          <h2>Settings</h2>
          <SettingsEditor camera={camera} />
        </section>
        {/* Last in the markup (the panels above are styled by position), shown under the video (styles.css). */}
        <section class="panel recordings-panel">
          <RecordingsPanel camera={name} />
        </section>
      </div>
    </main>
  );
}
