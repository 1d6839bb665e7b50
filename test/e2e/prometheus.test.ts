// The observability pack against the real thing: Debian's Prometheus, with the scrape config and
// alerting rules of dashboards/prometheus/ (a 1 s scrape and evaluation interval), scrapes a real
// controller running a camera of a real RTSP server. Every PromQL expression of the Grafana
// dashboard must parse and return data for the camera; every alert expression must parse and
// every rule evaluate; killing the camera's worker must set an alert about it pending.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { dashboardQueries, labelValuesVariables, substitute, alertRules } from '../../dashboards/queries.js';
import { spawnTiedToParent, stopGracefully } from '../../lib/child-process.js';
import { projectPath } from '../../lib/project-root.js';
import { startController, stopAllControllers, type ControllerUnderTest } from '../support/controller.js';
import { waitUntil } from '../support/processes.js';
import { startRtspCamera, stopAllRtspCameras } from '../support/rtsp-camera.js';

const CAMERA = 'demo';

interface QueryResponse {
  status: 'success' | 'error';
  error?: string;
  errorType?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

interface AlertsResponse {
  data: { alerts: { labels: Record<string, string>; state: 'pending' | 'firing' | 'inactive' }[] };
}

interface RulesResponse {
  data: { groups: { rules: { name: string; health: string; lastError?: string; type: string }[] }[] };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('Prometheus scraping camlet', () => {
  let controller: ControllerUnderTest;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl = '';
  let folder = '';
  const prometheusOutput: string[] = [];

  const api = async <T,>(path: string): Promise<T> => {
    const response = await fetch(`${prometheusUrl}${path}`);
    return (await response.json()) as T;
  };
  const query = (expr: string) => api<QueryResponse>(`/api/v1/query?query=${encodeURIComponent(expr)}`);

  beforeAll(async () => {
    // The demo camera as shipped (manifests/demo.yaml), on a test RTSP server's port.
    const rtsp = await startRtspCamera();
    const demo = (await readFile(projectPath('manifests', 'demo.yaml'), 'utf8')).replaceAll('rtsp://127.0.0.1:8554/', `rtsp://127.0.0.1:${rtsp.port}/`);
    if (!demo.includes(rtsp.url('main'))) throw new Error('manifests/demo.yaml no longer points at rtsp://127.0.0.1:8554/main');
    controller = await startController({ manifests: { 'demo.yaml': demo } });
    await controller.waitForCamera(CAMERA, (c) => c.status.phase === 'Running', 'Running', 20_000);

    // The shipped prometheus.yml, pointed at this controller, with 1 s intervals and the rules by absolute path.
    folder = await mkdtemp(join(tmpdir(), 'camlet-prometheus-'));
    const config = parse(await readFile(projectPath('dashboards', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      global: Record<string, string>;
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    config.global.scrape_interval = '1s';
    config.global.evaluation_interval = '1s';
    config.rule_files = config.rule_files.map((file) => projectPath('dashboards', 'prometheus', file));
    const job = config.scrape_configs.find((c) => c.job_name === 'camlet');
    if (!job) throw new Error('prometheus.yml has no camlet job');
    job.static_configs = [{ targets: [new URL(controller.url).host] }];
    await writeFile(join(folder, 'prometheus.yml'), stringify(config));

    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const child = spawnTiedToParent(
      'prometheus',
      [`--config.file=${join(folder, 'prometheus.yml')}`, `--storage.tsdb.path=${join(folder, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus = child;
    child.stdout?.setEncoding('utf8').on('data', (text: string) => prometheusOutput.push(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => prometheusOutput.push(text));
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${prometheusOutput.join('')}`);
        return (await fetch(`${prometheusUrl}/-/ready`).catch(() => undefined))?.status === 200;
      },
      20_000,
      'Prometheus ready',
      200,
    );
    // Enough samples for rate(), increase() and deriv() (two at least, in every window used).
    await waitUntil(
      async () => {
        const samples = await query(`count_over_time(camlet_worker_cpu_seconds_total{camera="${CAMERA}"}[1m]) >= 5`);
        return (samples.data?.result.length ?? 0) > 0;
      },
      30_000,
      'five scrapes of the camera',
      500,
    );
  }, 90_000);

  afterAll(async () => {
    if (prometheus) await stopGracefully(prometheus, 5_000);
    await stopAllControllers();
    await stopAllRtspCameras();
    if (folder) await rm(folder, { recursive: true, force: true });
  }, 60_000);

  it('scrapes the controller (the target is up)', async () => {
    const up = await query('up{job="camlet"}');
    expect(up.data?.result.map((r) => r.value[1])).toEqual(['1']);
  });

  it("fills the dashboard's variables from label values", async () => {
    for (const variable of labelValuesVariables()) {
      const selector = substitute(variable.selector, { instance: '.*' });
      const values = await api<{ status: string; data: string[] }>(`/api/v1/label/${variable.label}/values?match[]=${encodeURIComponent(selector)}`);
      expect(values.status, variable.name).toBe('success');
      expect(values.data.length, variable.name).toBeGreaterThan(0);
    }
    const cameras = await api<{ data: string[] }>(`/api/v1/label/camera/values?match[]=${encodeURIComponent('camlet_camera_state')}`);
    expect(cameras.data).toContain(CAMERA);
  });

  it('answers every query of the Grafana dashboard with data for the camera', async () => {
    const queries = dashboardQueries({ camera: CAMERA, instance: '.*' }, '10s');
    expect(queries.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const { panel, refId, expr } of queries) {
      const answer = await query(expr);
      if (answer.status !== 'success') {
        failures.push(`${panel} ${refId}: ${answer.errorType}: ${answer.error} in ${expr}`);
        continue;
      }
      const result = answer.data?.result ?? [];
      if (result.length === 0) failures.push(`${panel} ${refId}: no data for ${expr}`);
      // A per-camera answer holds the camera.
      else if (result.some((r) => r.metric.camera !== undefined) && !result.some((r) => r.metric.camera === CAMERA)) {
        failures.push(`${panel} ${refId}: no series of camera ${CAMERA} in ${JSON.stringify(result.map((r) => r.metric))}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('parses and evaluates every alert expression and rule', async () => {
    const failures: string[] = [];
    for (const rule of alertRules()) {
      const answer = await query(rule.expr);
      if (answer.status !== 'success') failures.push(`${rule.alert}: ${answer.errorType}: ${answer.error}`);
    }
    expect(failures).toEqual([]);
    // Prometheus loaded every rule of alerts.yml and evaluates each without error.
    const rules = await waitUntil(
      async () => {
        const loaded = (await api<RulesResponse>('/api/v1/rules')).data.groups.flatMap((g) => g.rules);
        return loaded.length > 0 && loaded.every((r) => r.health === 'ok') ? loaded : undefined;
      },
      10_000,
      'every rule evaluated',
      250,
    );
    expect(rules.map((r) => r.name).sort()).toEqual(alertRules().map((r) => r.alert).sort());
    // A healthy fleet: nothing about the camera is pending or firing.
    const alerts = (await api<AlertsResponse>('/api/v1/alerts')).data.alerts;
    expect(alerts.filter((a) => a.labels.camera === CAMERA)).toEqual([]);
  });

  it("sets a camera alert pending once the camera's worker is killed", async () => {
    const worker = await controller.get<{ pid: number }>(`/workers/${CAMERA}`);
    expect(worker.body.pid).toBeGreaterThan(0);
    process.kill(worker.body.pid, 'SIGKILL');
    const alert = await waitUntil(
      async () =>
        (await api<AlertsResponse>('/api/v1/alerts')).data.alerts.find(
          (a) => a.labels.camera === CAMERA && ['CamletCameraCrashLooping', 'CamletCameraDown'].includes(a.labels.alertname ?? '') && a.state !== 'inactive',
        ),
      30_000,
      'a crash-looping or camera-down alert',
      250,
    );
    expect(alert.state).toBe('pending');
    expect(alert.labels).toMatchObject({ job: 'camlet', camera: CAMERA });
  });
});
