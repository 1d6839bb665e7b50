// The alerting rules pass promtool (Debian's prometheus package): `check rules`, and `test rules`
// on alerts.test.yml, whose cases cover every rule firing and not firing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../lib/project-root.js';
import { alertRules } from '../queries.js';

const folder = projectPath('dashboards', 'prometheus');

function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { cwd: folder, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('dashboards/prometheus/alerts.yml', () => {
  it('passes promtool check rules', () => {
    const check = promtool('check', 'rules', 'alerts.yml');
    expect(check.output).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });

  it('passes its promtool unit tests (alerts.test.yml)', () => {
    const test = promtool('test', 'rules', 'alerts.test.yml');
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });

  it('has the rules the issue asks for, each with a severity, summary and description', () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'CamletCameraCrashLooping',
        'CamletCameraDown',
        'CamletControllerAbsent',
        'CamletHeartbeatMissing',
        'CamletManifestsInvalid',
        'CamletNoRecordingWhileMotion',
        'CamletStorageFillingUp',
        'CamletStorageLow',
        'CamletStreamStalled',
      ].sort(),
    );
    for (const rule of rules) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      // Rules about a camera name it in both texts.
      if (/camlet_(camera|motion|recordings)_/.test(rule.expr)) {
        expect(rule.annotations?.summary, rule.alert).toContain('{{ $labels.camera }}');
        expect(rule.annotations?.description, rule.alert).toContain('{{ $labels.camera }}');
      }
    }
    const byName = new Map(rules.map((r) => [r.alert, r]));
    expect(byName.get('CamletCameraDown')?.for).toBe('2m');
    expect(byName.get('CamletStorageFillingUp')?.expr).toMatch(/predict_linear\(camlet_storage_free_bytes\[6h\], 24 \* 3600\)/);
  });

  it('is tested by alerts.test.yml for every rule', () => {
    const tests = readFileSync(projectPath('dashboards', 'prometheus', 'alerts.test.yml'), 'utf8');
    for (const rule of alertRules()) {
      // Firing (an exp_alerts list with entries) and not firing (an empty one) for each rule.
      expect(tests, rule.alert).toMatch(new RegExp(`alertname: ${rule.alert}\\n\\s+exp_alerts: \\[\\]`));
      expect(tests, rule.alert).toMatch(new RegExp(`alertname: ${rule.alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
    }
  });
});
