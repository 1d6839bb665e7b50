/**
 * Which cameras a query of the index covers: one by name, a set (a label selector resolved
 * against the declared cameras' labels), everything but a set (a selector that also matches
 * cameras with no labels, such as deleted cameras whose recordings remain), or any combination.
 */
export interface CameraFilter {
  camera?: string;
  cameras?: readonly string[];
  excludeCameras?: readonly string[];
}

/**
 * SQL conditions for the filter, its values put into `params`. A set travels as one JSON
 * parameter read by json_each, so that one prepared statement serves sets of any size (an SQL
 * text per size would fill the statement cache). Its `+` keeps SQLite from answering through
 * the (camera, start) index, which would read every row of every camera in the set and sort
 * them for one page: walking the time index in order and skipping other cameras' rows stops at
 * the page's end. A set of one is a plain camera, which the (camera, start) index serves in order.
 */
export function cameraConditions(filter: CameraFilter, params: Record<string, unknown>, column = 'camera'): string[] {
  const where: string[] = [];
  if (filter.camera !== undefined) {
    where.push(`${column} = @camera`);
    params.camera = filter.camera;
  }
  if (filter.cameras !== undefined && filter.cameras.length === 1) {
    where.push(`${column} = @onlyCamera`);
    params.onlyCamera = filter.cameras[0];
  } else if (filter.cameras !== undefined) {
    where.push(`+${column} IN (SELECT value FROM json_each(@cameras))`);
    params.cameras = JSON.stringify(filter.cameras);
  }
  if (filter.excludeCameras !== undefined && filter.excludeCameras.length > 0) {
    where.push(`${column} NOT IN (SELECT value FROM json_each(@excludeCameras))`);
    params.excludeCameras = JSON.stringify(filter.excludeCameras);
  }
  return where;
}

/** The filter as it enters a continue token's fingerprint (sets sorted: their order means nothing). */
export function cameraFingerprint(filter: CameraFilter): Record<string, unknown> {
  return {
    camera: filter.camera,
    ...(filter.cameras ? { cameras: [...filter.cameras].sort() } : {}),
    ...(filter.excludeCameras?.length ? { excludeCameras: [...filter.excludeCameras].sort() } : {}),
  };
}
