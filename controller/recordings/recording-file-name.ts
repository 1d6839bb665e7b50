/**
 * The start time a recording's file name carries: `<camera>-<YYYYMMDDTHHMMSSZ>.mp4`, or with a
 * `-N` suffix for a second recording starting within the same second (as
 * worker/recording/recording-path.ts names them), to the second, UTC. Undefined for any other
 * name, or for a camera other than `camera`.
 */
export function startFromFileName(camera: string, fileName: string): number | undefined {
  if (!fileName.startsWith(`${camera}-`)) return undefined;
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d{1,3})?\.mp4$/.exec(fileName.slice(camera.length + 1));
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 20250231 over into March: such a name is not one camlet wrote.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour || back.getUTCMinutes() !== minute || back.getUTCSeconds() !== second) {
    return undefined;
  }
  return ms;
}
