/**
 * Time as the controller sees it. Everything that waits (backoff, heartbeat deadlines, requeues)
 * takes a Clock, so that tests drive it with XState's SimulatedClock instead of sleeping.
 * The shape is XState's own Clock plus now(), so one object serves the machines and the rest.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
