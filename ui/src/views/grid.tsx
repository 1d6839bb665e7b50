import { useState } from 'preact/hooks';
import type { Camera } from '../api/types';
import { fps, gridPage, type Layout } from '../format';
import { cameras, motionNow, sortedCameras, useWatch } from '../state';
import { MotionBadge, PhaseBadge, RecordingDot } from './badges';
import { isRecording, tileFps } from './camera-facts';
import { LiveVideo } from './live-video';

function Tile({ camera }: { camera: Camera }) {
  const name = camera.metadata.name;
  const motion = motionNow(camera);
  const live = camera.status.phase !== 'Invalid' && camera.spec?.enabled !== false;
  return (
    <a class={`tile${motion ? ' has-motion' : ''}`} href={`#/cameras/${encodeURIComponent(name)}`} data-camera={name} aria-label={`Camera ${name}`}>
      {live ? <LiveVideo camera={name} stream="sub" /> : <div class="live live-off">{camera.status.phase === 'Invalid' ? 'Invalid manifest' : 'Disabled'}</div>}
      <div class="tile-top">
        <span class="tile-name">{name}</span>
        <PhaseBadge phase={camera.status.phase} />
      </div>
      <div class="tile-bottom">
        <MotionBadge motion={motion} />
        <span class="spacer" />
        {live && (
          <span class="tile-fps" data-fps={tileFps(camera) ?? ''}>
            {fps(tileFps(camera))}
          </span>
        )}
        <RecordingDot recording={isRecording(camera)} />
      </div>
    </a>
  );
}

export function Grid({ layout }: { layout: Layout }) {
  useWatch(cameras, 1_000);
  const [page, setPage] = useState(0);
  const all = sortedCameras();
  const shown = gridPage(all, layout, page);
  const empty = Math.max(0, layout - shown.items.length);
  return (
    <main class="grid-page">
      {all.length === 0 && cameras.connection === 'live' && (
        <p class="empty-note">
          No cameras yet: add a Camera manifest to the controller's manifests folder, or <code>camlet apply -f camera.yaml</code>.
        </p>
      )}
      <div class={`grid layout-${layout}`} data-layout={layout}>
        {shown.items.map((camera) => (
          <Tile key={camera.metadata.name} camera={camera} />
        ))}
        {all.length > 0 && Array.from({ length: empty }, (_, i) => <div key={`empty-${i}`} class="tile tile-empty" aria-hidden="true" />)}
      </div>
      {shown.pages > 1 && (
        <nav class="pager">
          <button type="button" disabled={shown.page === 0} onClick={() => setPage(shown.page - 1)}>
            ‹ Previous
          </button>
          <span>
            Page {shown.page + 1} of {shown.pages}
          </span>
          <button type="button" disabled={shown.page === shown.pages - 1} onClick={() => setPage(shown.page + 1)}>
            Next ›
          </button>
        </nav>
      )}
    </main>
  );
}
