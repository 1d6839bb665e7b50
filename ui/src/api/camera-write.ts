// PUT cameras/NAME: the dashboard's one write. The controller writes the camera's manifest file
// (only when the camera is valid) and answers once its store shows the change.
import type { ApiStatus, Camera } from './types';

export type SaveOutcome = { ok: true; result: string; camera: Camera } | { ok: false; status: ApiStatus };

function failure(message: string, code = 0): ApiStatus {
  return { kind: 'Status', status: 'Failure', reason: 'Unknown', message, code };
}

export async function putCamera(object: Pick<Camera, 'metadata'>, fetchImpl: typeof fetch = fetch): Promise<SaveOutcome> {
  let response: Response;
  try {
    response = await fetchImpl(`/apis/camlet.dev/v1/cameras/${encodeURIComponent(object.metadata.name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(object),
    });
  } catch (error) {
    return { ok: false, status: failure(`the controller could not be reached: ${(error as Error).message}`) };
  }
  const body = (await response.json().catch(() => undefined)) as Camera | ApiStatus | undefined;
  if (response.ok && body?.kind === 'Camera') return { ok: true, result: response.headers.get('Camlet-Apply-Result') ?? 'configured', camera: body };
  if (body?.kind === 'Status') return { ok: false, status: body };
  return { ok: false, status: failure(`the controller answered HTTP ${response.status}`, response.status) };
}
