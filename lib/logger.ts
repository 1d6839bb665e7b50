import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout, one object per event. `component` tells the controller's parts apart;
 * lines about a camera carry `camera` (child loggers add it), so `jq 'select(.camera=="x")'`
 * finds everything about one camera across the controller and its worker.
 */
export function createLogger(component: string, level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1 }),
  );
}
