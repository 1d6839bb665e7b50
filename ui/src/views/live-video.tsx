import { useEffect, useRef, useState } from 'preact/hooks';
import { LivePlayer, type LiveStreamName, type PlayerState } from '../live/live-player';

/** A camera's live picture, with what the player is doing while there is none. */
export function LiveVideo({ camera, stream, showLatency = false }: { camera: string; stream: LiveStreamName; showLatency?: boolean }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<PlayerState>({ status: 'connecting' });
  useEffect(() => {
    if (!video.current) return;
    const player = new LivePlayer(video.current, camera, stream, setState);
    player.start();
    return () => player.stop();
  }, [camera, stream]);
  const overlay =
    state.status === 'playing' ? undefined : state.status === 'connecting' ? 'Connecting…' : state.status === 'unsupported' ? state.message : (state.message ?? 'Waiting for video');
  return (
    <div class="live" data-status={state.status}>
      <video ref={video} class="live-video" muted playsInline autoplay data-camera={camera} data-stream={stream} />
      {overlay && (
        <div class="live-overlay">
          {state.status !== 'unsupported' && <span class="spinner" aria-hidden="true" />}
          <span>{overlay}</span>
        </div>
      )}
      {showLatency && state.status === 'playing' && (
        <div class="live-stats" title="Camera to screen, and the picture size">
          {state.latencyMs !== undefined && <span>{(state.latencyMs / 1000).toFixed(2)} s</span>}
          {state.width !== undefined && <span>{`${state.width}×${state.height}`}</span>}
          {state.codec && <span>{state.codec}</span>}
        </div>
      )}
    </div>
  );
}
