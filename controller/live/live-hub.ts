// Every live channel, by camera and stream: viewers join through here, and the channel they
// need is made on the first and forgotten once it has stopped after the last.
import type { Logger } from '../../lib/logger.js';
import { defaultChannelOptions, LiveChannel, type ChannelOptions, type Viewer } from './live-channel.js';
import { startRemux, type RemuxFactory, type RemuxSource } from './remux.js';

export type LiveStreamName = 'main' | 'sub';

/** A camera's streams as the worker opens them (URLs resolved), or undefined for no valid spec. */
export type StreamSources = (camera: string) => { main: RemuxSource; sub?: RemuxSource } | undefined;

export interface LiveChannelStatus {
  camera: string;
  stream: LiveStreamName;
  viewers: number;
  pid?: number;
}

export class LiveHub {
  private readonly channels = new Map<string, LiveChannel>();
  private closed = false;

  constructor(
    private readonly sources: StreamSources,
    private readonly logger: Logger,
    private readonly options: ChannelOptions = defaultChannelOptions,
    private readonly remuxFactory: RemuxFactory = startRemux,
  ) {}

  /**
   * Adds a viewer of the camera's stream; a camera without a SUB stream shows its MAIN one. Returns
   * the function that removes the viewer, or an error message when there is nothing to show.
   */
  join(camera: string, stream: LiveStreamName, viewer: Viewer): { leave: () => void; stream: LiveStreamName } | { error: string } {
    if (this.closed) return { error: 'the controller is shutting down' };
    const streams = this.sources(camera);
    if (!streams) return { error: `camera "${camera}" has no valid spec` };
    const shown: LiveStreamName = stream === 'sub' && !streams.sub ? 'main' : stream;
    const key = `${camera}/${shown}`;
    let channel = this.channels.get(key);
    if (!channel) {
      const resolve = () => {
        const now = this.sources(camera);
        return now && (shown === 'sub' ? now.sub : now.main);
      };
      channel = new LiveChannel(camera, shown, resolve, this.remuxFactory, this.options, this.logger, (idle) => {
        if (this.channels.get(key) === idle) this.channels.delete(key);
      });
      this.channels.set(key, channel);
    }
    const joined = channel;
    joined.add(viewer);
    return { stream: shown, leave: () => joined.remove(viewer) };
  }

  status(): LiveChannelStatus[] {
    return [...this.channels.values()].map((channel) => ({
      camera: channel.camera,
      stream: channel.stream,
      viewers: channel.viewerCount,
      ...(channel.pid !== undefined ? { pid: channel.pid } : {}),
    }));
  }

  /** Stops every remux; resolves once every ffmpeg is gone. */
  async close(): Promise<void> {
    this.closed = true;
    const channels = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(channels.map((channel) => channel.close()));
  }
}
