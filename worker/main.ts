// The camera worker process: one per camera, started by the controller's process runtime with
// an IPC channel. It waits for its configuration, runs the camera, and reports until told to stop.
import { createLogger, type Logger } from '../lib/logger.js';
import { redactText } from '../lib/redact.js';
import { CameraWorker } from './camera-worker.js';
import { parseControllerMessage, type WorkerConfig, type WorkerMessage } from './protocol.js';

let worker: CameraWorker | undefined;
let logger: Logger = createLogger('worker', 'info');
let ffmpegStopGraceMs = 5000;
let stopping = false;

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

async function stopAndExit(code: number, why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info(`stopping: ${why}`);
  await worker?.stop(ffmpegStopGraceMs);
  logger.info('stopped');
  process.exit(code);
}

function configure(config: WorkerConfig): void {
  logger = createLogger('worker', config.logLevel).child({ camera: config.camera });
  ffmpegStopGraceMs = config.ffmpegStopGraceMs;
  // ffmpeg and Node errors can hold the stream URL: nothing leaves this process unredacted.
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: redactText(error.stack ?? String(error), config.secrets) }, 'worker crashed');
    process.exit(1);
  });
  worker = new CameraWorker({ config, send, logger });
  worker.start();
  logger.info({ streams: Object.keys(config.streams), pid: process.pid }, 'worker started');
}

process.on('message', (raw) => {
  const parsed = parseControllerMessage(raw);
  if (!parsed.ok) {
    logger.error(`ignored a message from the controller: ${parsed.error}`);
    return;
  }
  const message = parsed.message;
  if (message.type === 'configure') {
    if (worker) logger.error('ignored a second configure message');
    else configure(message.config);
  } else if (!worker) {
    logger.error(`ignored a ${message.type} message before the configure message`);
  } else if (message.type === 'update') {
    worker.update(message.settings).catch((error: unknown) => logger.error({ err: String(error) }, 'update failed'));
  } else {
    worker.record(message.type === 'record' ? { seconds: message.seconds } : { stop: true });
  }
});

process.on('SIGTERM', () => void stopAndExit(0, 'SIGTERM'));
process.on('SIGINT', () => void stopAndExit(0, 'SIGINT'));
// The controller closed the channel (it stops or is stopping): no one is left to report to.
process.on('disconnect', () => void stopAndExit(0, 'the controller went away'));

if (!process.send) {
  logger.fatal('the camera worker is started by the camlet controller, with an IPC channel; it cannot run on its own');
  process.exit(2);
}
