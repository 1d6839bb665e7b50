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
};
