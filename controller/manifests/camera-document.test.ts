import { describe, expect, it } from 'vitest';
import { readManifestFile } from './camera-document.js';
import { formatSourceError } from '../yaml/source-error.js';

const door = `apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: front-door
  labels: { site: home }
spec:
  streams:
    main: { url: "rtsp://admin:\${CAMLET_TEST_DOOR_PASSWORD}@10.0.0.5:554/stream1" }
`;

function errorsOf(text: string): string[] {
  const file = readManifestFile('cams.yaml', text);
  return [...file.errors, ...file.documents.flatMap((d) => (d.valid ? [] : d.errors))].map(formatSourceError);
}

describe('readManifestFile', () => {
  it('applies the CRD defaults and resolves ${VAR} for the worker only', () => {
    process.env.CAMLET_TEST_DOOR_PASSWORD = 's3cret';
    const [document] = readManifestFile('door.yaml', door).documents;
    expect(document?.valid).toBe(true);
    if (!document?.valid) return;
    const { camera } = document;
    expect(camera.name).toBe('front-door');
    expect(camera.labels).toEqual({ site: 'home' });
    expect(camera.spec.streams.main).toEqual({ url: 'rtsp://admin:${CAMLET_TEST_DOOR_PASSWORD}@10.0.0.5:554/stream1', transport: 'tcp' });
    expect(camera.spec.motion).toEqual({ enabled: true, fps: 5, width: 320, threshold: 25, minArea: 0.005, zones: [], masks: [] });
    expect(camera.spec.restart.resetAfterSeconds).toBe(120);
    expect(camera.streams.main.url).toBe('rtsp://admin:s3cret@10.0.0.5:554/stream1');
    expect(camera.secrets).toContain('s3cret');
    expect(camera.source).toEqual({ file: 'door.yaml', document: 0, line: 1 });
  });

  it('names the missing environment variable', () => {
    delete process.env.CAMLET_TEST_DOOR_PASSWORD;
    expect(errorsOf(door)).toEqual([
      'cams.yaml:8:18: spec.streams.main.url: environment variable CAMLET_TEST_DOOR_PASSWORD is not set in the controller\'s environment (value: "rtsp://admin:***@10.0.0.5:554/stream1")',
    ]);
  });

  it('reads every document of a file and points each error at its line, column and field', () => {
    const text = `apiVersion: camlet.dev/v1
kind: Camera
metadata: { name: good }
spec: { streams: { main: { url: rtsp://10.0.0.1/a } } }
---
apiVersion: camlet.dev/v1
kind: Camera
metadata:
  name: bad
spec:
  streams:
    main:
      url: rtsp://user:hunter2@10.0.0.2/a
      transport: sctp
  motion:
    treshold: 10
    fps: 500
---
`;
    const file = readManifestFile('cams.yaml', text);
    expect(file.documents.map((d) => d.valid)).toEqual([true, false]);
    expect(file.documents[1]).toMatchObject({ valid: false, name: 'bad', source: { file: 'cams.yaml', document: 1, line: 6 } });
    expect(errorsOf(text)).toEqual([
      'cams.yaml:14:18: spec.streams.main.transport: must be one of "tcp", "udp" (value: "sctp")',
      'cams.yaml:16:5: spec.motion.treshold: unknown field',
      'cams.yaml:17:10: spec.motion.fps: must be <= 30 (value: 500)',
    ]);
  });

  it('never shows a password written into a URL', () => {
    const errors = errorsOf(`apiVersion: camlet.dev/v1
kind: Camera
metadata: { name: cam }
spec: { streams: { main: { url: "http://root:hunter2@10.0.0.2/a" } } }
`);
    expect(errors).toEqual(['cams.yaml:4:33: spec.streams.main.url: must match ^rtsps?:// (value: "http://root:***@10.0.0.2/a")']);
    expect(errors.join()).not.toContain('hunter2');
  });

  it('rejects names that are not DNS labels, bad labels and other kinds', () => {
    expect(
      errorsOf(`apiVersion: v1
kind: Pod
metadata: { name: Front_Door, labels: { "bad key!": x, site: 12 } }
spec: { streams: { main: { url: rtsp://a/b } } }
`),
    ).toEqual([
      'cams.yaml:1:13: apiVersion: must be camlet.dev/v1 (value: "v1")',
      'cams.yaml:2:7: kind: must be Camera (value: "Pod")',
      expect.stringMatching(/^cams\.yaml:3:41: metadata\.labels\."bad key!": key name must be at most 63 characters[^(]*$/),
      'cams.yaml:3:62: metadata.labels.site: must be a string (quote numbers and booleans) (value: 12)',
      expect.stringMatching(/^cams\.yaml:3:19: metadata\.name: must match \^\[a-z0-9\].* \(value: "Front_Door"\)$/),
    ]);
  });

  it('checks the CEL rules of the CRD', () => {
    expect(
      errorsOf(`apiVersion: camlet.dev/v1
kind: Camera
metadata: { name: cam }
spec:
  streams: { main: { url: rtsp://a/b } }
  health: { heartbeatSeconds: 20, timeoutSeconds: 10 }
`),
    ).toEqual(['cams.yaml:6:11: spec.health: timeoutSeconds must be greater than heartbeatSeconds (value: {"heartbeatSeconds":20,"timeoutSeconds":10})']);
  });

  it('reports YAML syntax errors and alias bombs without throwing', () => {
    expect(errorsOf('a: [1, 2\nb: c')).toEqual([expect.stringMatching(/^cams\.yaml:\d+:\d+: YAML syntax: /)]);
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    expect(errorsOf(bomb)).toEqual([expect.stringMatching(/^cams\.yaml:1:1: YAML: Excessive alias count/)]);
    expect(errorsOf('a: ' + '['.repeat(1000))).toEqual(['cams.yaml:1:1: collections nested deeper than 64 levels']);
  });

  it('skips empty documents and comments', () => {
    expect(readManifestFile('cams.yaml', '# nothing here\n---\n---\n')).toEqual({ documents: [], errors: [] });
  });
});
