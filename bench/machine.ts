import { execFileSync } from 'node:child_process';
import { cpus, totalmem, type as osType, release } from 'node:os';

/** One line describing where the figures were measured. */
export function describeMachine(): string {
  const cpu = cpus();
  let ffmpeg = 'ffmpeg: not found';
  try {
    ffmpeg = execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0] ?? ffmpeg;
  } catch {
    // reported as not found
  }
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${osType()} ${release()}, Node ${process.version}, ${ffmpeg}`;
}
