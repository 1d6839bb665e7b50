import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Makes a rename or an unlink in `folder` survive a power cut; some file systems cannot, which is no error. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // EINVAL/EISDIR on file systems that do not sync folders
  }
}

/**
 * Replaces (or creates) `path` with `text` so that a reader sees the old file or the new one,
 * never a part: the text goes to a temporary file in the same folder (hidden, and not named
 * .yaml, so the manifest watcher ignores it), is flushed, then renamed over `path`. The file
 * keeps its permissions.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = await stat(path).then(
    (stats) => stats.mode & 0o7777,
    () => undefined,
  );
  const handle = await open(temporary, 'wx', mode ?? 0o644);
  try {
    try {
      if (mode !== undefined) await handle.chmod(mode); // the umask must not narrow it
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(folder);
}

/** Removes `path` (an unlink is atomic by itself) and makes that durable. */
export async function removeFile(path: string): Promise<void> {
  await unlink(path);
  await syncFolder(dirname(path));
}
