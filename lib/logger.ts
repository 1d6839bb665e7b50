import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { redactUrl } from './redact.js';

export type { Logger } from 'pino';

/** Fields every line logged inside withLogContext carries (see there). */
let context: Readonly<Record<string, unknown>> | undefined;
const NO_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Runs `run` with `fields` (a correlation id: `reconcileID`) added to every line any logger
 * writes until it returns. For synchronous work only, on purpose: a reconcile is one synchronous
 * call, and the lines it causes are exactly the lines written during it. (AsyncLocalStorage
 * would also stamp the id on every later line of a worker the reconcile started: its pipes and
 * timers inherit the context for the rest of their life.)
 */
export function withLogContext<T>(fields: Readonly<Record<string, unknown>>, run: () => T): T {
  const outer = context;
  context = outer ? { ...outer, ...fields } : fields;
  try {
    return run();
  } finally {
    context = outer;
  }
}

/** What a URL with a password (`user:pass@`) or a credential parameter (`pwd=`) holds. */
const MAY_HOLD_CREDENTIALS = /[@=]/;

/**
 * The fields of a line as written: no URL with its password, whoever forgot to redact it
 * (lib/redact.ts; callers still redact the secrets they know of in free text, which a URL
 * pattern cannot find).
 */
function lineFields(object: Record<string, unknown>): Record<string, unknown> {
  let fields = object;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && MAY_HOLD_CREDENTIALS.test(value)) {
      const redacted = redactUrl(value);
      if (redacted !== value) fields = { ...fields, [key]: redacted };
    }
  }
  return fields;
}

/** The message of a line, and any printf-style argument, with URL passwords redacted. */
function redactedArguments(args: unknown[]): unknown[] {
  return args.some((arg) => typeof arg === 'string' && MAY_HOLD_CREDENTIALS.test(arg)) ? args.map((arg) => (typeof arg === 'string' ? redactUrl(arg) : arg)) : args;
}

/**
 * JSON lines on stdout, one object per event. `component` tells the controller's parts apart;
 * lines about a camera carry `camera` (child loggers add it), so `jq 'select(.camera=="x")'`
 * finds everything about one camera across the controller and its worker; lines of one reconcile
 * carry its `reconcileID`, lines of one recording its `recordingID`.
 */
export function createLogger(component: string, level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => context ?? NO_CONTEXT,
      // pino's default merge writes the line's fields into the mixin's object: the shared context.
      mixinMergeStrategy: (fields: object, mixed: object) => (mixed === NO_CONTEXT ? fields : { ...mixed, ...fields }),
      formatters: { level: (label) => ({ level: label }), log: lineFields },
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactedArguments(args) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ dest: 1 }),
  );
}
