import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import { YAML_LIMITS } from '../yaml/yaml-documents.js';

/** A file's text (undefined: gone), or unreadable (permissions, I/O). */
type FileRead = { text: string | undefined } | 'unreadable';

/** Files read at once at start-up. */
const READ_AHEAD = 32;

/** How often a manifests folder that has gone is looked for again. */
const FOLDER_RETURN_POLL_MS = 1000;

/** Manifest files: .yaml and .yml, not hidden (editors' swap and backup files are hidden or differently named). */
export function isManifestFile(path: string): boolean {
  const name = basename(path);
  return /\.ya?ml$/i.test(name) && !name.startsWith('.') && !name.startsWith('#');
}

export interface ManifestWatcherOptions {
  folder: string;
  /** Changes to one file closer together than this are read once, after the last. */
  debounceMs: number;
  logger: Logger;
  /** A file's new content, or undefined once it is gone. */
  onFile(path: string, text: string | undefined): void;
}

/**
 * Watches the manifests folder (not its subfolders, as `kubectl apply -f DIR` reads a folder)
 * with one inotify watch on the folder, whatever the number of files: a watch per file (as
 * chokidar sets up) costs about 3 KB of memory each, 30 MB for a fleet of 10,000 cameras.
 * Every event only schedules a read of its file; the read happens when the file has been quiet
 * for the debounce time, and looks at what is there then. So an editor's atomic save (write a
 * temporary file, rename it over the manifest) or a burst of writes is read once, in its final
 * state, and a file that is gone by then counts as deleted.
 *
 * Events that name no manifest file make the whole folder be listed and read again: events the
 * kernel dropped (no name), a Kubernetes ConfigMap mount swapping its `..data` link (the files are
 * links through it, so they change without an event of their own), and the folder itself being
 * removed, after which its files count as deleted and the folder is looked for every second.
 */
export class ManifestWatcher {
  private watcher: FSWatcher | undefined;
  /** The folder's inode when the watch was set up: a different one means it was replaced. */
  private watchedInode: number | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private rescanTimer: NodeJS.Timeout | undefined;
  private returnPoll: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Contents handed on last, so that a touch without change is not read as a change. */
  private readonly known = new Map<string, string>();
  /** Reads of one file run one after the other, so an older read never lands after a newer one. */
  private readonly reads = new Map<string, Promise<void>>();

  constructor(private readonly options: ManifestWatcherOptions) {}

  /**
   * Starts watching; resolves once every file present at start has been read and handed on,
   * in name order (so that, of two files declaring one camera, the first by name wins).
   */
  async start(): Promise<void> {
    // Watching starts before the listing, so that a file changed meanwhile is read again after.
    await this.watch();
    await this.readInitial(await this.list());
  }

  /** Sets up the watch; false when the folder is not there (it is then looked for again). */
  private async watch(): Promise<boolean> {
    const { folder, logger } = this.options;
    try {
      this.watchedInode = (await stat(folder)).ino;
      const watcher = watch(folder, { persistent: false }, (_, name) => {
        if (name !== null && isManifestFile(name)) this.schedule(join(folder, name));
        else if (name === null || name.startsWith('..') || name === basename(folder)) this.scheduleRescan();
      });
      watcher.on('error', (error) => {
        logger.error({ err: String(error), folder }, 'watching the manifests folder failed; listing it again');
        this.scheduleRescan();
      });
      this.watcher = watcher;
      return true;
    } catch (error) {
      logger.error({ err: (error as Error).message, folder }, 'cannot watch the manifests folder; looking for it every second');
      this.awaitFolderReturn();
      return false;
    }
  }

  /** The manifest files in the folder now, by full path, in name order; none when it is gone. */
  private async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.options.folder, { withFileTypes: true });
      // Links are followed when read: a ConfigMap mount's files are links.
      return entries
        .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isManifestFile(entry.name))
        .map((entry) => join(this.options.folder, entry.name))
        .sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      return [];
    }
  }

  private scheduleRescan(): void {
    if (this.stopped) return;
    clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = undefined;
      this.rescan().catch((error: unknown) => this.options.logger.error({ err: String(error), folder: this.options.folder }, 'listing the manifests folder failed'));
    }, this.options.debounceMs);
  }

  /** Reads every file there is now and every file there was; a folder replaced is watched anew. */
  private async rescan(): Promise<void> {
    const inode = await stat(this.options.folder).then(
      (stats) => stats.ino,
      () => undefined,
    );
    if (inode !== this.watchedInode) {
      this.watcher?.close();
      this.watcher = undefined;
      if (inode === undefined) this.awaitFolderReturn();
      else await this.watch();
    }
    for (const path of new Set([...(await this.list()), ...this.known.keys()])) this.schedule(path);
  }

  private awaitFolderReturn(): void {
    if (this.stopped || this.returnPoll) return;
    this.returnPoll = setInterval(() => {
      void stat(this.options.folder).then(
        async () => {
          if (this.stopped || !this.returnPoll) return;
          clearInterval(this.returnPoll);
          this.returnPoll = undefined;
          this.options.logger.info({ folder: this.options.folder }, 'the manifests folder is back; watching it again');
          if (await this.watch()) await this.rescan();
        },
        () => undefined,
      );
    }, FOLDER_RETURN_POLL_MS).unref();
  }

  /**
   * The files present at start, read up to READ_AHEAD at a time (a fleet of thousands of files
   * would otherwise wait on the disk one file at a time) but handed on strictly in name order.
   */
  private async readInitial(paths: string[]): Promise<void> {
    const started = new Map<number, Promise<FileRead>>();
    const startRead = (index: number) => {
      const path = paths[index];
      if (path !== undefined) started.set(index, this.readLimited(path));
    };
    // A change noticed meanwhile reads its file again, queued after the initial read (enqueueRead).
    const handedOn = paths.map((path) => {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      this.reads.set(path, promise);
      return { promise, resolve };
    });
    for (let index = 0; index < READ_AHEAD; index++) startRead(index);
    try {
      for (const [index, path] of paths.entries()) {
        startRead(index + READ_AHEAD);
        const read = await (started.get(index) as Promise<FileRead>);
        started.delete(index);
        this.handOn(path, read);
        handedOn[index]?.resolve();
      }
    } finally {
      // Never leave a file's later reads waiting on an initial read that did not happen.
      for (const [index, path] of paths.entries()) {
        const { promise, resolve } = handedOn[index] as (typeof handedOn)[number];
        resolve();
        if (this.reads.get(path) === promise) this.reads.delete(path);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearTimeout(this.rescanTimer);
    clearInterval(this.returnPoll);
    this.watcher?.close();
    // Reads under way finish before stop resolves, so none lands on a stopped owner.
    await Promise.all(this.reads.values());
  }

  private schedule(path: string): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(path));
    this.timers.set(
      path,
      setTimeout(() => {
        this.timers.delete(path);
        void this.enqueueRead(path);
      }, this.options.debounceMs),
    );
  }

  /** After the reads of `path` already under way, the initial one included. */
  private enqueueRead(path: string): Promise<void> {
    const read = (this.reads.get(path) ?? Promise.resolve()).then(() => this.readNow(path));
    this.reads.set(path, read);
    void read.finally(() => {
      if (this.reads.get(path) === read) this.reads.delete(path);
    });
    return read;
  }

  private async readNow(path: string): Promise<void> {
    this.handOn(path, await this.readLimited(path));
  }

  private handOn(path: string, read: FileRead): void {
    // Unreadable (permissions, I/O): keep what was read last rather than drop its cameras.
    if (read === 'unreadable') return;
    const text = read.text;
    if (this.known.has(path) ? this.known.get(path) === text : text === undefined) return;
    if (text === undefined) this.known.delete(path);
    else this.known.set(path, text);
    try {
      this.options.onFile(path, text);
    } catch (error) {
      // A bug in handling one file must not stop the watching of all the others.
      this.options.logger.error({ file: path, err: error instanceof Error ? error.stack : String(error) }, 'handling a manifest file failed');
    }
  }

  /**
   * The file's text, or undefined if it is gone (or not a file). A file over the size limit is not
   * read whole: its first bytes over the limit are enough for the parser to refuse it.
   */
  private async readLimited(path: string): Promise<FileRead> {
    let handle;
    try {
      handle = await open(path, 'r');
      const stats = await handle.stat();
      if (!stats.isFile()) return { text: undefined };
      const length = Math.min(stats.size, YAML_LIMITS.maxFileBytes + 1);
      const buffer = Buffer.alloc(length);
      // Fewer bytes than stat said when the file was cut short meanwhile (an editor rewriting it).
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return { text: buffer.toString('utf8', 0, bytesRead) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') return { text: undefined };
      this.options.logger.error({ file: path, err: (error as Error).message }, 'cannot read manifest file; its cameras stay as they were');
      return 'unreadable';
    } finally {
      await handle?.close();
    }
  }
}
