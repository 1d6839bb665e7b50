// The storage page (#/storage): the filesystem's used, free and total bytes, the days left at the
// rate the cameras recorded lately, each camera's share, and the StorageLow condition, from
// GET storage, read again every few seconds while the page is open.
import { useEffect, useState } from 'preact/hooks';
import { formatBytes } from '../../../controller/retention/quantity';
import type { ApiStatus, Storage } from '../api/types';
import { age } from '../format';
import { daysText, diskSegments, windowText } from '../storage/storage-figures';

const REFRESH_MS = 5_000;
/** Segment colours in bar order; other files, the reserve and free space have their own. */
const CAMERA_COLOURS = ['#58a6ff', '#3fb950', '#d2a8ff', '#ff9f1a', '#39c5cf', '#f778ba', '#8b949e'];
const SPACE_COLOURS: Record<string, string> = { other: '#4a5365', reserved: '#2c3342', free: '#161b26' };

function useStorage(): { storage?: Storage; problem?: string } {
  const [state, setState] = useState<{ storage?: Storage; problem?: string }>({});
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const response = await fetch('/apis/camlet.dev/v1/storage');
        const body = (await response.json()) as Storage | ApiStatus;
        if (stopped) return;
        // A failed read keeps the last figures on screen, with the reason beside them.
        setState((last) => (body.kind === 'Storage' ? { storage: body } : { storage: last.storage, problem: body.message }));
      } catch (error) {
        if (!stopped) setState((last) => ({ storage: last.storage, problem: `the controller could not be reached: ${(error as Error).message}` }));
      }
      if (!stopped) timer = setTimeout(() => void read(), REFRESH_MS);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return state;
}

function Figure({ name, value, detail, tone }: { name: string; value: string; detail?: string; tone?: string }) {
  return (
    <div class={`figure${tone ? ` tone-${tone}` : ''}`} data-figure={name.toLowerCase().replaceAll(' ', '-')}>
      <span class="figure-name">{name}</span>
      <span class="figure-value">{value}</span>
      {detail && <span class="figure-detail">{detail}</span>}
    </div>
  );
}

function DiskBar({ status }: { status: Storage['status'] }) {
  const segments = diskSegments(status);
  if (segments.length === 0) return null;
  const colour = (key: string, index: number) => SPACE_COLOURS[key] ?? CAMERA_COLOURS[index % CAMERA_COLOURS.length];
  const floorAt = status.totalBytes && status.freeSpaceFloorBytes !== undefined ? 100 - (status.freeSpaceFloorBytes / status.totalBytes) * 100 : undefined;
  return (
    <div class="disk">
      <div class="disk-bar" role="img" aria-label={segments.map((s) => `${s.label} ${s.percent}%`).join(', ')}>
        {segments.map((segment, index) => (
          <span key={segment.key} class="disk-segment" data-segment={segment.key} style={{ width: `${segment.percent}%`, background: colour(segment.key, index) }} title={`${segment.label}: ${formatBytes(segment.bytes)} (${segment.percent}%)`} />
        ))}
        {floorAt !== undefined && <span class="disk-floor" style={{ left: `${floorAt}%` }} title={`Free-space floor: ${status.freeSpaceFloor}`} />}
      </div>
      <ul class="disk-legend">
        {segments.map((segment, index) => (
          <li key={segment.key}>
            <span class="disk-swatch" style={{ background: colour(segment.key, index) }} />
            {segment.label} <span class="muted">{formatBytes(segment.bytes)}</span>
          </li>
        ))}
        {floorAt !== undefined && (
          <li>
            <span class="disk-swatch disk-swatch-floor" />
            Floor <span class="muted">{status.freeSpaceFloor}</span>
          </li>
        )}
      </ul>
    </div>
  );
}

function CameraShares({ status }: { status: Storage['status'] }) {
  const cameras = [...status.cameras].sort((a, b) => b.bytes - a.bytes);
  return (
    <div class="scroll">
      <table class="table shares">
        <thead>
          <tr>
            <th>Camera</th>
            <th class="num">Recordings</th>
            <th class="num">Size</th>
            <th>Share</th>
            <th class="num">Per day</th>
          </tr>
        </thead>
        <tbody>
          {cameras.map((camera) => (
            <tr key={camera.camera} data-camera={camera.camera} data-bytes={camera.bytes}>
              <td>
                {camera.declared ? <a href={`#/cameras/${encodeURIComponent(camera.camera)}`}>{camera.camera}</a> : camera.camera}
                {!camera.declared && <span class="muted"> (no manifest)</span>}
              </td>
              <td class="num">{camera.count}</td>
              <td class="num">{formatBytes(camera.bytes)}</td>
              <td class="share">
                <span class="share-bar">
                  <span style={{ width: `${camera.percent}%` }} />
                </span>
                <span class="num share-percent">{camera.percent.toFixed(1)}%</span>
              </td>
              <td class="num">{formatBytes(camera.bytesPerDay)}</td>
            </tr>
          ))}
          {cameras.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No recordings yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export function StoragePage() {
  const { storage, problem } = useStorage();
  if (!storage) return <main class="storage-page">{problem ? <p class="form-error">{problem}</p> : <p class="empty-note">Loading…</p>}</main>;
  const { status } = storage;
  const low = status.conditions.find((c) => c.type === 'StorageLow');
  const lowTone = low?.status === 'True' ? 'bad' : low?.status === 'False' ? 'ok' : 'warn';
  const sweep = status.retention.lastSweepTime;
  return (
    <main class="storage-page" data-storage-low={low?.status ?? 'Unknown'}>
      <div class="camera-head">
        <a class="back" href="#/">
          ‹ All cameras
        </a>
        <h1>Storage</h1>
        <span class={`badge tone-${lowTone}`} data-condition="StorageLow" title={low?.message}>
          {low?.status === 'True' ? 'Storage low' : low?.status === 'False' ? 'Enough space' : 'Unknown'}
        </span>
        <span class="label">{status.path}</span>
      </div>
      {problem && <p class="form-error">{problem}</p>}
      {status.error && <p class="form-error">{status.error}</p>}
      {low?.status === 'True' && <p class="storage-low-note">{low.message}</p>}
      <section class="panel">
        <div class="figures">
          <Figure name="Used" value={status.usedBytes !== undefined ? formatBytes(status.usedBytes) : '—'} detail={`${formatBytes(status.recordings.bytes)} in ${status.recordings.count} recording${status.recordings.count === 1 ? '' : 's'}`} />
          <Figure name="Free" value={status.freeBytes !== undefined ? formatBytes(status.freeBytes) : '—'} detail={`floor ${status.freeSpaceFloor}${status.freeSpaceFloorBytes !== undefined ? ` (${formatBytes(status.freeSpaceFloorBytes)})` : ''}`} tone={low?.status === 'True' ? 'bad' : undefined} />
          <Figure name="Total" value={status.totalBytes !== undefined ? formatBytes(status.totalBytes) : '—'} />
          <Figure
            name="Days left"
            value={daysText(status.daysLeft)}
            detail={
              status.rate.bytesPerDay > 0
                ? `to the floor, at ${formatBytes(status.rate.bytesPerDay)}/day (${windowText(status.rate.windowSeconds)})`
                : status.recordings.count === 0
                  ? 'nothing recorded yet'
                  : `nothing recorded in ${windowText(status.rate.windowSeconds)}`
            }
            tone={status.daysLeft !== undefined && status.daysLeft < 2 ? 'warn' : undefined}
          />
        </div>
        <DiskBar status={status} />
      </section>
      <section class="panel">
        <h2>Cameras</h2>
        <CameraShares status={status} />
        <p class="muted storage-foot">
          Retention sweeps every {status.retention.intervalSeconds} s{sweep ? `; the last ${age(sweep)} ago` : ''}
          {status.retention.lastSweep ? `, ${status.retention.lastSweep.bytesFreed > 0 ? `freeing ${formatBytes(status.retention.lastSweep.bytesFreed)}` : 'nothing to delete'}` : ''}. When free space falls
          below the floor, the oldest recordings of every camera go first.
        </p>
      </section>
    </main>
  );
}
