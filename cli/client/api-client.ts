import type { StatusObject } from '../../controller/api/status-error.js';
import { ApiError, ConnectionError } from './errors.js';

export interface ClientOptions {
  /** http://host:port, no trailing slash. */
  server: string;
  token?: string;
  /** 0: wait as long as it takes. For streams, the time to the response's headers. */
  timeoutMs: number;
}

export interface RequestOptions {
  body?: string;
  contentType?: string;
  /** A response that streams for as long as it lasts: the time limit covers its headers only. */
  streaming?: boolean;
}

function describeTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * The controller's HTTP API, as kubectl talks to the Kubernetes API: an error answer becomes an
 * ApiError carrying the server's Status; a server that cannot be reached, a ConnectionError that
 * names the address and what to do.
 */
export class ApiClient {
  constructor(readonly options: ClientOptions) {}

  private get address(): string {
    return this.options.server.replace(/^https?:\/\//, '');
  }

  private connectionError(error: unknown): ConnectionError {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    const code = cause?.code ?? (error as NodeJS.ErrnoException).code;
    if ((error as Error).name === 'TimeoutError') {
      return new ConnectionError(`Unable to connect to the server at ${this.options.server}: no answer within ${describeTimeout(this.options.timeoutMs)} (--request-timeout)`);
    }
    if (code === 'ECONNREFUSED') {
      return new ConnectionError(
        `The connection to the server ${this.address} was refused - is the camlet controller running? Start one with 'camlet controller' (or 'make run'), or point --server or CAMLET_SERVER at it.`,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ConnectionError(`Unable to connect to the server at ${this.options.server}: no such host`);
    const detail = cause?.message ?? (error as Error).message;
    return new ConnectionError(`Unable to connect to the server at ${this.options.server}: ${detail}`);
  }

  /** A response with a 2xx status; anything else throws. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (options.contentType) headers['Content-Type'] = options.contentType;
    const { timeoutMs } = this.options;
    let signal: AbortSignal | undefined;
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs > 0 && options.streaming) {
      const controller = new AbortController();
      timer = setTimeout(() => controller.abort(new DOMException('no answer in time', 'TimeoutError')), timeoutMs);
      signal = controller.signal;
    } else if (timeoutMs > 0) {
      signal = AbortSignal.timeout(timeoutMs);
    }
    let response: Response;
    try {
      response = await fetch(`${this.options.server}${path}`, { method, headers, body: options.body, ...(signal ? { signal } : {}) });
    } catch (error) {
      throw this.connectionError(error);
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    let status: StatusObject | undefined;
    try {
      const parsed = JSON.parse(text) as Partial<StatusObject>;
      if (parsed.kind === 'Status') status = parsed as StatusObject;
    } catch {
      // not a Status: the text itself is the message
    }
    throw new ApiError(response.status, status, text);
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ body: T; response: Response }> {
    const response = await this.request(method, path, options);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.connectionError(error);
    }
    return { body: JSON.parse(text) as T, response };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.json<T>('GET', path)).body;
  }

  async text(path: string): Promise<string> {
    const response = await this.request('GET', path);
    return response.text();
  }

  /**
   * The lines of a streaming response (a watch, a followed log) as they arrive; ends when the
   * server ends the response. Unlike other requests, the time limit stops at the headers.
   */
  async *lines(path: string): AsyncGenerator<string> {
    const response = await this.request('GET', path, { streaming: true });
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
          yield buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
        }
      }
    } catch (error) {
      throw new ConnectionError(`the connection to the server ${this.address} broke: ${(error as Error).message}`);
    }
    if (buffer !== '') yield buffer;
  }
}
