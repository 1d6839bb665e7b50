import { setFlagsFromString } from 'node:v8';

/**
 * Lets V8's heap grow at most twofold between two full garbage collections (V8 otherwise picks
 * a factor of up to four from how fast it collects). A controller's heap is mostly long-lived:
 * one set of objects per camera. Starting thousands of cameras makes garbage that outlives the
 * young generation, and with the default factor the heap reaches about twice its live size
 * before V8 collects it; the process keeps that memory afterwards. Measured by `npm run
 * bench:controller` with 10,000 cameras: peak RSS 339–357 MB by default, 278–289 MB with this,
 * for up to a second more to reach steady state. V8 reads the flag at each collection, so it
 * takes effect when set at run time.
 */
export function limitHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=100');
}
