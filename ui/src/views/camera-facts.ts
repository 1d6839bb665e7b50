import type { Camera } from '../api/types';

export function isRecording(camera: Camera): boolean {
  return camera.status.recording?.id !== undefined || camera.status.conditions?.find((c) => c.type === 'Recording')?.status === 'True';
}

/** The stream a tile shows (SUB when the camera has one) and its measured fps. */
export function tileFps(camera: Camera): number | undefined {
  const streams = camera.status.streams ?? {};
  return (camera.spec?.streams.sub ? streams.sub?.fps : undefined) ?? streams.main?.fps;
}
