import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { formatSourceError } from '../yaml/source-error.js';
import { YAML_LIMITS } from '../yaml/yaml-documents.js';
import { readManifestFile } from './camera-document.js';
import { isManifestFile, ManifestWatcher } from './manifest-watcher.js';

const DEBOUNCE_MS = 50;
/** Long enough for an event that was going to come, and its debounce. */
const QUIET_MS = 300;

interface Call {
  file: string;
  text: string | undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const EDITOR_FILES = ['cam.json', 'cam.yaml.swp', '.cam.yaml.swp', 'cam.yaml~', '4913', '.hidden.yaml', '#cam.yaml#', 'cam.yaml.tmp'];

describe('isManifestFile', () => {
  it('accepts .yaml and .yml, and nothing editors leave behind', () => {
    expect(['a.yaml', 'b.yml', 'C.YAML', '/x/y/door.yaml'].filter(isManifestFile)).toHaveLength(4);
    expect(EDITOR_FILES.filter(isManifestFile)).toEqual([]);
  });
});

describe('ManifestWatcher', () => {
  let folder: string;
  let calls: Call[];
  let watcher: ManifestWatcher | undefined;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'camlet-watch-'));
    calls = [];
  });

  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    await rm(folder, { recursive: true, force: true });
  });

  async function start(debounceMs = DEBOUNCE_MS): Promise<void> {
    watcher = new ManifestWatcher({
      folder,
      debounceMs,
      logger: createLogger('test', 'silent'),
      onFile: (path, text) => calls.push({ file: basename(path), text }),
    });
    await watcher.start();
  }

  const path = (name: string) => join(folder, name);
  const callsFor = (name: string) => calls.filter((c) => c.file === name);

  it('hands on the files present at start in name order before start() resolves', async () => {
    for (const name of ['c.yml', 'a.yaml', 'b.yaml', ...EDITOR_FILES]) await writeFile(path(name), `name: ${name}\n`);
    await mkdir(path('sub'));
    await writeFile(path('sub/d.yaml'), 'name: d\n');
    await start();
    expect(calls).toEqual([
      { file: 'a.yaml', text: 'name: a.yaml\n' },
      { file: 'b.yaml', text: 'name: b.yaml\n' },
      { file: 'c.yml', text: 'name: c.yml\n' },
    ]);
    await sleep(QUIET_MS);
    expect(calls).toHaveLength(3);
  });

  it('hands on files added, changed and deleted after start', async () => {
    await start();
    await writeFile(path('door.yaml'), 'v: 1\n');
    await waitFor(() => calls.length === 1, 'the new file');
    await writeFile(path('door.yaml'), 'v: 2\n');
    await waitFor(() => calls.length === 2, 'the change');
    await unlink(path('door.yaml'));
    await waitFor(() => calls.length === 3, 'the deletion');
    expect(calls).toEqual([
      { file: 'door.yaml', text: 'v: 1\n' },
      { file: 'door.yaml', text: 'v: 2\n' },
      { file: 'door.yaml', text: undefined },
    ]);
  });

  it('ignores editors’ temporary, backup and hidden files, other extensions and subfolders', async () => {
    await start();
    await mkdir(path('sub'));
    for (const name of [...EDITOR_FILES, 'sub/cam.yaml']) await writeFile(path(name), 'v: 1\n');
    await writeFile(path('yard.yml'), 'v: 1\n');
    await waitFor(() => calls.length === 1, 'yard.yml');
    await sleep(QUIET_MS);
    expect(calls).toEqual([{ file: 'yard.yml', text: 'v: 1\n' }]);
  });

  it('reads an atomic save (write a temporary file, rename it over) once, in its final state', async () => {
    await writeFile(path('door.yaml'), 'v: 1\n');
    await start();
    expect(calls).toHaveLength(1);
    for (const [i, temporary] of ['.door.yaml.4f2a.tmp', 'door.yaml.tmp'].entries()) {
      const next = `v: ${i + 2}\n`;
      await writeFile(path(temporary), next);
      await rename(path(temporary), path('door.yaml'));
      await waitFor(() => calls.length === i + 2, `save ${i + 1}`);
      await sleep(QUIET_MS);
      expect(calls).toHaveLength(i + 2);
      expect(calls.at(-1)).toEqual({ file: 'door.yaml', text: next });
    }
    expect(calls.map((c) => c.text)).toEqual(['v: 1\n', 'v: 2\n', 'v: 3\n']);
  });

  it('reads a burst of writes within the debounce time once, in its final state', async () => {
    // A wider window than the other tests, so that a slow machine still writes the burst inside it.
    await start(250);
    const started = Date.now();
    for (let i = 1; i <= 20; i++) writeFileSync(path('door.yaml'), `v: ${i}\n${'#'.repeat(i * 10)}\n`);
    expect(Date.now() - started).toBeLessThan(250);
    await waitFor(() => calls.length === 1, 'the burst');
    await sleep(QUIET_MS + 250);
    expect(calls).toEqual([{ file: 'door.yaml', text: `v: 20\n${'#'.repeat(200)}\n` }]);
  });

  it('does not hand on a file that was touched but not changed', async () => {
    await writeFile(path('door.yaml'), 'v: 1\n');
    await start();
    await utimes(path('door.yaml'), new Date(), new Date(Date.now() + 5000));
    await writeFile(path('door.yaml'), 'v: 1\n');
    // The watcher still sees real changes after that.
    await writeFile(path('yard.yaml'), 'v: 1\n');
    await waitFor(() => calls.length === 2, 'yard.yaml');
    await sleep(QUIET_MS);
    expect(calls).toEqual([
      { file: 'door.yaml', text: 'v: 1\n' },
      { file: 'yard.yaml', text: 'v: 1\n' },
    ]);
  });

  it('hands on only the start of a file over the size limit, which the parser refuses', async () => {
    await writeFile(path('big.yaml'), `a: ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await start();
    await writeFile(path('huge.yaml'), randomBytes(10 * 1024 * 1024));
    await waitFor(() => callsFor('huge.yaml').length === 1, 'huge.yaml', 10_000);
    for (const name of ['big.yaml', 'huge.yaml']) {
      const [call] = callsFor(name);
      // Read no further than one byte past the limit (bytes that are not UTF-8 decode to U+FFFD).
      expect(call?.text?.length).toBeGreaterThan(0);
      expect(call?.text?.length).toBeLessThanOrEqual(YAML_LIMITS.maxFileBytes + 1);
      const file = readManifestFile(name, call?.text ?? '');
      expect(file.documents).toEqual([]);
      expect(file.errors.map(formatSourceError)).toEqual([
        `${name}:1:1: file is over the ${YAML_LIMITS.maxFileBytes}-byte limit for a manifest file: split it into several files`,
      ]);
    }
  });

  it('reads the files again when a ConfigMap mount swaps its ..data link (files are links through it)', async () => {
    // The kubelet's layout: a timestamped folder, ..data pointing at it, each file a link via ..data.
    await mkdir(path('..2026_01'));
    await writeFile(path('..2026_01/door.yaml'), 'v: 1\n');
    await symlink('..2026_01', path('..data'));
    await symlink('..data/door.yaml', path('door.yaml'));
    await start();
    expect(calls).toEqual([{ file: 'door.yaml', text: 'v: 1\n' }]);
    // An update: a new timestamped folder, a temporary link renamed over ..data, the old folder removed.
    await mkdir(path('..2026_02'));
    await writeFile(path('..2026_02/door.yaml'), 'v: 2\n');
    await symlink('..2026_02', path('..data_tmp'));
    await rename(path('..data_tmp'), path('..data'));
    await rm(path('..2026_01'), { recursive: true });
    await waitFor(() => calls.length === 2, 'the swapped content');
    expect(calls.at(-1)).toEqual({ file: 'door.yaml', text: 'v: 2\n' });
  });

  it('counts the files of a removed folder as deleted, and watches the folder again when it is back', async () => {
    await writeFile(path('door.yaml'), 'v: 1\n');
    await writeFile(path('yard.yaml'), 'v: 1\n');
    await start();
    await rm(folder, { recursive: true });
    await waitFor(() => calls.length === 4, 'both deletions');
    expect(calls.slice(2).sort((a, b) => a.file.localeCompare(b.file))).toEqual([
      { file: 'door.yaml', text: undefined },
      { file: 'yard.yaml', text: undefined },
    ]);
    await mkdir(folder);
    await writeFile(path('door.yaml'), 'v: 2\n');
    await waitFor(() => calls.length === 5, 'the file in the folder made again', 5000);
    expect(calls.at(-1)).toEqual({ file: 'door.yaml', text: 'v: 2\n' });
    // Watched again, not just listed once: a later change is seen too.
    await writeFile(path('door.yaml'), 'v: 3\n');
    await waitFor(() => calls.length === 6, 'a later change');
    expect(calls.at(-1)).toEqual({ file: 'door.yaml', text: 'v: 3\n' });
  });

  it('watches a folder replaced by another of the same name', async () => {
    await writeFile(path('door.yaml'), 'v: 1\n');
    await start();
    const staging = `${folder}.new`;
    await mkdir(staging);
    await writeFile(join(staging, 'door.yaml'), 'v: 2\n');
    await rm(folder, { recursive: true });
    await rename(staging, folder);
    await waitFor(() => calls.at(-1)?.text === 'v: 2\n', 'the new folder read', 5000);
    await writeFile(path('yard.yaml'), 'v: 1\n');
    await waitFor(() => callsFor('yard.yaml').length === 1, 'a file added to the new folder');
  });
});
