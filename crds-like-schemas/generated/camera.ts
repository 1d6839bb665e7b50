// Generated from crds-like-schemas/camera.yaml by `npm run gen:types`. Do not edit:
// change the schema and regenerate; crds-like-schemas/typegen.test.ts fails when the two drift.

export type CameraSpec = {
  /** false stops the worker and keeps the camera. */
  enabled: boolean;
  streams: {
    main: {
      /** rtsp:// or rtsps:// address. ${VAR} is replaced by the environment variable VAR when the controller starts; use it for passwords. */
      url: string;
      /** RTP transport; TCP survives lossy networks and NAT. */
      transport: "tcp" | "udp";
    };
    sub?: {
      /** rtsp:// or rtsps:// address. ${VAR} is replaced by the environment variable VAR when the controller starts; use it for passwords. */
      url: string;
      /** RTP transport; TCP survives lossy networks and NAT. */
      transport: "tcp" | "udp";
    };
  };
  motion: {
    enabled: boolean;
    /** Frames analysed per second. */
    fps: number;
    /** Width in pixels of the analysed frames; height keeps the aspect ratio. */
    width: number;
    /** Change in brightness (0-255) that counts as a moving pixel. */
    threshold: number;
    /** Smallest moving region that counts, as a fraction of the frame. */
    minArea: number;
    /** Polygons in 0..1 coordinates; when any is given, only motion inside them counts. */
    zones: Array<{
      name?: string;
      points: Array<Array<number>>;
    }>;
    /** Polygons in 0..1 coordinates where motion is ignored (trees, timestamps). */
    masks: Array<{
      name?: string;
      points: Array<Array<number>>;
    }>;
  };
  recording: {
    mode: "motion" | "continuous" | "off";
    preRollSeconds: number;
    postRollSeconds: number;
    /** Length of each file in continuous mode. */
    segmentMinutes: number;
    /** The camera's sound in recordings. keep copies it when MP4 holds its codec (AAC, MP3, AC-3) and drops any other (G.711, for one) with a Warning; aac does the same but converts those others to AAC, which costs a little CPU; off records no sound. */
    audio: "keep" | "aac" | "off";
    retention: {
      maxAgeDays: number;
      /** Kubernetes quantity such as 50Gi. */
      maxBytes: number | string;
    };
  };
  health: {
    /** How often the worker reports. */
    heartbeatSeconds: number;
    /** Without a heartbeat for this long the camera is Unhealthy. */
    timeoutSeconds: number;
    /** A worker still silent this long after becoming Unhealthy is restarted. A worker that reports a stalled stream is not: it reconnects by itself. */
    unhealthyRestartSeconds: number;
  };
  restart: {
    initialBackoffSeconds: number;
    maxBackoffSeconds: number;
    /** Consecutive crashes before the camera is Failed; 0 means never give up. */
    maxRestarts: number;
    /** A run this long without a crash resets the backoff. */
    resetAfterSeconds: number;
  };
};

export type CameraStatus = {
  phase?: "Pending" | "Starting" | "Running" | "Unhealthy" | "Crashed" | "Backoff" | "Stopping" | "Stopped" | "Failed" | "Invalid";
  observedGeneration?: number;
  restarts?: number;
  lastHeartbeatTime?: string;
  reason?: string;
  message?: string;
  conditions?: Array<{
    type: string;
    status: "True" | "False" | "Unknown";
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }>;
  /** Figures measured by the worker, per stream. */
  streams?: Record<string, {
    connected?: boolean;
    fps?: number;
    frames?: number;
    reconnects?: number;
    lastFrameTime?: string;
  }>;
  worker?: {
    runtime?: string;
    pid?: number;
    startTime?: string;
  };
  /** Motion analysis of the worker, while motion.enabled. */
  motion?: {
    /** Frames analysed per second; motion.fps when the stream keeps up. */
    analysedFps?: number;
    /** Frames decoded but not analysed per second. */
    skippedFps?: number;
    /** Motion is in progress. */
    active?: boolean;
  };
  /** The recording being written (the one started last, when a manual one overlaps another), while there is one. */
  recording?: {
    id?: string;
    trigger?: "motion" | "continuous" | "manual";
    startTime?: string;
  };
};
