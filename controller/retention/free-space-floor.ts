import { parseByteQuantity, QuantityError } from './quantity.js';

/**
 * The free space camlet keeps on the storage filesystem (config `retention.freeSpaceFloor`):
 * a quantity of bytes (`10Gi`, `5000000000`) or a share of the filesystem (`5%`), resolved
 * against the filesystem's size when it is read, since a percent means nothing before that.
 */
export type FreeSpaceFloor = { bytes: number } | { percent: number };

const PERCENT = /^(\d+(?:\.\d*)?|\.\d+)\s*%$/;

export function parseFreeSpaceFloor(value: unknown, field = 'retention.freeSpaceFloor'): FreeSpaceFloor {
  if (typeof value === 'string') {
    const match = PERCENT.exec(value.trim());
    if (match) {
      const percent = Number(match[1]);
      // 100% would delete every recording to free a filesystem that can never be all free.
      if (percent >= 100) throw new QuantityError(`${field}: ${JSON.stringify(value)} must be below 100%`);
      return { percent };
    }
  }
  return { bytes: parseByteQuantity(value, field) };
}

/** The floor in bytes on a filesystem of `totalBytes`. */
export function floorBytes(floor: FreeSpaceFloor, totalBytes: number): number {
  return 'bytes' in floor ? floor.bytes : Math.ceil((totalBytes * floor.percent) / 100);
}

export function describeFloor(floor: FreeSpaceFloor): string {
  return 'bytes' in floor ? `${floor.bytes} bytes` : `${floor.percent}%`;
}
