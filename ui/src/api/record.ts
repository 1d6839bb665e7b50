// Manual and panic recording through the API: POST cameras/NAME/record, POST record.

const API = '/apis/camlet.dev/v1';

/** The longest recording one request asks for (the API's MANUAL_RECORDING_MAX_SECONDS): "until stopped". */
export const UNTIL_STOPPED_SECONDS = 3600;

export type RecordRequest = { seconds: number } | { stop: true };

export interface RecordAnswer {
  action: 'start' | 'stop';
  seconds?: number;
  /** When the recording ends, for a start. */
  until?: string;
  /** The fleet-wide request's cameras: those that record, and why the others do not. */
  accepted?: string[];
  rejected?: { camera: string; message: string }[];
}

/** Sends the request for one camera, or every camera when `camera` is undefined; throws with the server's message. */
export async function requestRecording(camera: string | undefined, request: RecordRequest): Promise<RecordAnswer> {
  const path = camera === undefined ? `${API}/record` : `${API}/cameras/${encodeURIComponent(camera)}/record`;
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) });
  const answer = (await response.json().catch(() => undefined)) as (RecordAnswer & { message?: string }) | undefined;
  if (!response.ok) throw new Error(answer?.message ?? `the controller answered ${response.status}`);
  if (!answer) throw new Error('the controller answered with no body');
  return answer;
}
