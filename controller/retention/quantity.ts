// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), as bytes: `50Gi`,
// `1.5Ti`, `500M`, `1e9`, `1073741824`. Retention limits are written this way because a
// Kubernetes user already writes storage requests and limits this way.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

// Kubernetes' grammar: <signedNumber><suffix>, the suffix binary (Ki…Ei), decimal (m, k…E) or a
// decimal exponent (e3, E-2). The sign is accepted here so that "-1Gi" is refused by name.
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export class QuantityError extends Error {
  override name = 'QuantityError';
}

/**
 * The number of bytes a quantity stands for, rounded up to a whole byte as Kubernetes' Value()
 * rounds. `field` names the setting in the error (`spec.recording.retention.maxBytes`).
 * Negative quantities, and amounts beyond 2^53 bytes (8 PiB, past which a double no longer
 * counts bytes exactly), are refused.
 */
export function parseByteQuantity(value: unknown, field: string): number {
  const shown = JSON.stringify(value);
  let bytes: number;
  if (typeof value === 'number') {
    bytes = value;
  } else if (typeof value === 'string') {
    const match = QUANTITY.exec(value.trim());
    if (!match) throw new QuantityError(`${field}: ${shown} is not a quantity: write a number of bytes or one with a suffix, such as 50Gi, 500Mi or 1.5T`);
    const [, sign, digits, suffix, exponent] = match;
    const scale = suffix !== undefined ? (BINARY[suffix] ?? DECIMAL[suffix] ?? 1) : exponent !== undefined ? 10 ** Number(exponent) : 1;
    bytes = (sign === '-' ? -1 : 1) * Number(digits) * scale;
  } else {
    throw new QuantityError(`${field}: ${shown} is not a quantity: write a number of bytes or a string such as 50Gi`);
  }
  if (!Number.isFinite(bytes) || bytes < 0) throw new QuantityError(`${field}: ${shown} must be a quantity of 0 bytes or more`);
  // 1.1Ki is 1126.4 bytes: Kubernetes rounds up. A tiny epsilon keeps 0.1k (100.00000000000001) at 100.
  const rounded = Math.ceil(bytes - 1e-6);
  if (rounded > Number.MAX_SAFE_INTEGER) throw new QuantityError(`${field}: ${shown} is more bytes than camlet counts (at most 8Pi)`);
  return Math.max(0, rounded);
}

/** Bytes as a person reads them: 1.5 GiB, 300 MiB, 12 KiB, 7 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
