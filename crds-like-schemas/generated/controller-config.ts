// Generated from crds-like-schemas/controllerconfig.yaml by `npm run gen:types`. Do not edit:
// change the schema and regenerate; crds-like-schemas/typegen.test.ts fails when the two drift.

export type ControllerConfig = {
  apiVersion?: string;
  kind?: string;
  /** HOST:PORT of the HTTP API, metrics and dashboard. Keep it on loopback unless a proxy with authentication stands in front. */
  listen: string;
  /** Folder of Camera manifests. Relative paths in a config file are relative to that file. */
  manifests: string;
  /** Folder for recordings, spool segments and the index. */
  storage: string;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  /** Every camera is reconciled at least this often, whether or not anything changed. */
  resyncSeconds: number;
  /** Changes to one manifest file closer together than this are read once. */
  manifestDebounceMilliseconds: number;
  gracePeriods: {
    /** Time a worker has to stop after SIGTERM before it is killed. */
    workerStopSeconds: number;
    /** Time the controller has to stop every worker before it exits anyway. */
    shutdownSeconds: number;
  };
  /** How the controller keeps the storage filesystem from filling. Each camera's own limits (age, bytes) are in its spec.recording.retention; this is the floor for all of them. */
  retention: {
    /** Free space kept on the storage filesystem, as bytes (a quantity such as 20Gi) or a share of it (5%). Below it, the oldest recordings of every camera are deleted until it is met again, and the controller's StorageLow condition is True. */
    freeSpaceFloor: number | string;
    /** How often retention sweeps (age, bytes, free space); also right after a recording is indexed over a limit. */
    intervalSeconds: number;
  };
};
