// The columns of `camlet get cameras`: NAME, then the CRD's additionalPrinterColumns (priority 0,
// and with -o wide the others too), read from crds-like-schemas/camera.yaml like kubectl reads
// them from the CRD, so that the schema stays the one place they are defined.
import { loadCrd, type PrinterColumn } from '../../crds-like-schemas/crd.js';
import type { CameraObject } from '../../controller/store/camera-store.js';
import { redactUrl } from '../../lib/redact.js';
import { age } from './age.js';
import { findValues, formatValue } from './jsonpath.js';

let columns: PrinterColumn[] | undefined;

function printerColumns(): PrinterColumn[] {
  columns ??= loadCrd('camera.yaml').printerColumns;
  return columns;
}

/** A cell as kubectl shows the column's type: dates as ages, missing values as <none>. */
function cell(column: PrinterColumn, object: unknown, now: number): string {
  const value = findValues(column.jsonPath, object)[0];
  if (value === undefined || value === null) return '<none>';
  switch (column.type) {
    case 'date':
      return age(value, now);
    case 'number':
      // Measured rates (fps) vary in their last digits; one decimal is what a person reads.
      return typeof value === 'number' ? String(Math.round(value * 10) / 10) : formatValue(value);
    default:
      // Stream URLs come redacted from the API; redacted again here, so no password can ever reach a terminal.
      return redactUrl(formatValue(value));
  }
}

export function cameraHeaders(wide: boolean): string[] {
  return ['NAME', ...printerColumns().filter((c) => wide || !c.priority).map((c) => c.name.toUpperCase())];
}

export function cameraRow(camera: CameraObject, wide: boolean, now: number): string[] {
  return [camera.metadata.name, ...printerColumns().filter((c) => wide || !c.priority).map((c) => cell(c, camera, now))];
}
