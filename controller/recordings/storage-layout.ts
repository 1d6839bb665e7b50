/** Folders at the top of the storage folder that hold no recordings. */
export const SPOOL_FOLDER = '.spool';
export const LOST_AND_FOUND_FOLDER = 'lost+found';
/** JPEG thumbnails of recordings, made on first request (thumbnail-cache.ts); hidden, so never scanned as a camera. */
export const THUMBNAILS_FOLDER = '.thumbnails';

/** A camera's folder is named after the camera: a DNS-1123 label. */
export const CAMERA_FOLDER = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A day's folder in a camera's: UTC date. */
export const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
