// The Grafana dashboard's shape (what an import and the provisioning files need) and its PromQL,
// parsed by promtool. test/e2e/prometheus.test.ts runs every query against a real Prometheus.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { projectPath } from '../../lib/project-root.js';
import { dashboardPanels, dashboardQueries, grafanaDashboard, labelValuesVariables } from '../queries.js';

const VALUES = { camera: 'porch|garage', instance: '.*', datasource: 'prometheus' };

describe('dashboards/grafana/camlet.json', () => {
  const dashboard = grafanaDashboard();

  it('has a stable uid, the data source as a variable and $camera from label values', () => {
    expect(dashboard.uid).toBe('camlet-overview');
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(labelValuesVariables(dashboard)).toContainEqual(expect.objectContaining({ name: 'camera', label: 'camera' }));
    expect(variables.get('camera')?.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });

  it('asks every panel and query for the $datasource, and filters per-camera series by $camera', () => {
    for (const panel of dashboardPanels(dashboard).filter((p) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
        for (const series of target.expr.match(/camlet_(camera|motion|recordings|recorded|recording|worker)_\w+(\{[^}]*\})?/g) ?? []) {
          expect(series, `${panel.title}: ${target.expr}`).toContain('camera=~"$camera"');
        }
      }
    }
  });

  it('has the panels the issue lists, in four rows, on a grid without overlaps', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Fleet overview', 'Per camera', 'Controller', 'Storage']);
    const titles = dashboardPanels(dashboard).map((p) => p.title.toLowerCase());
    for (const wanted of ['cameras by phase', 'restarts', 'frames per second', 'heartbeat age', 'motion events', 'recordings', 'recorded bytes', 'worker cpu', 'worker memory', 'reconciles', 'reconcile latency', 'work queue depth', 'storage used and free', 'days left']) {
      expect(titles.some((t) => t.startsWith(wanted)), wanted).toBe(true);
    }
    const ids = dashboardPanels(dashboard).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos, title } of dashboardPanels(dashboard)) {
      expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps another panel at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('has PromQL that promtool parses', () => {
    // promtool has no parse command; recording rules of the queries are checked as rules are.
    const queries = dashboardQueries(VALUES);
    const rules = { groups: [{ name: 'dashboard', rules: queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: q.expr })) }] };
    const folder = mkdtempSync(join(tmpdir(), 'camlet-dashboard-'));
    try {
      writeFileSync(join(folder, 'queries.yml'), stringify(rules));
      const check = spawnSync('promtool', ['check', 'rules', 'queries.yml'], { cwd: folder, encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).toContain(`SUCCESS: ${queries.length} rules found`);
      expect(check.status).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('dashboards/grafana/provisioning', () => {
  it('provides a Prometheus data source and a file provider for the dashboard folder', () => {
    const datasources = parse(readFileSync(projectPath('dashboards', 'grafana', 'provisioning', 'datasources', 'camlet.yaml'), 'utf8')) as {
      apiVersion: number;
      datasources: { type: string; url: string }[];
    };
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: expect.stringMatching(/^http:\/\//) as unknown });
    const providers = parse(readFileSync(projectPath('dashboards', 'grafana', 'provisioning', 'dashboards', 'camlet.yaml'), 'utf8')) as {
      apiVersion: number;
      providers: { type: string; options: { path: string } }[];
    };
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers[0]).toMatchObject({ type: 'file', options: { path: expect.stringMatching(/^\//) as unknown } });
  });
});
