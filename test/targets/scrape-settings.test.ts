/**
 * Per-target scrape settings from `<prefix>SCHEME*`, `INTERVAL*`, `TIMEOUT*` and `JOB*` tags
 * (docs/decisions.md "Portable labels (issue 15)"): valid values set `__scheme__`,
 * `__scrape_interval__`, `__scrape_timeout__` and `job` of their group; an invalid one is skipped
 * with a counted warning, never the target; raw tags of those names stay dropped.
 */
import { describe, expect, it } from 'vitest';
import { buildTargets } from '../../lambda/targets/build.ts';
import { validateScrapeSettings } from '../../lambda/targets/scrape-settings.ts';
import { cluster, config, service, snapshot, TASK_ARN, tags, task } from './fixtures.ts';

const fleetWith = (taskTags: Record<string, string>, serviceTags: Record<string, string> = {}) =>
  snapshot([
    cluster('c1', [service('web', { tags: tags(serviceTags), tasks: [task({ tags: tags(taskTags) })] })]),
  ]);

/** The fixed labels and settings of each target, without the system labels. */
const scrapeLabelsOf = (taskTags: Record<string, string>, serviceTags: Record<string, string> = {}) => {
  const result = buildTargets(
    fleetWith(taskTags, serviceTags),
    config({ ecsTaskTags: ['METRICS_*'], ecsServiceTags: ['METRICS_*'] }),
  );
  return {
    targets: result.groups.map((group) => ({
      target: group.targets[0],
      labels: Object.fromEntries(
        Object.entries(group.labels).filter(([name]) => !/^_{1,2}(sys|meta)_/.test(name)),
      ),
    })),
    dropped: result.droppedLabels,
    warnings: result.warnings,
  };
};

describe('scrape settings from tags', () => {
  it('sets every setting of the unsuffixed group, after the fixed labels', () => {
    // Act
    const { targets, dropped } = scrapeLabelsOf({
      METRICS_PORT: '8080',
      METRICS_SCHEME: 'https',
      METRICS_INTERVAL: '15s',
      METRICS_TIMEOUT: '10s',
      METRICS_JOB: 'payments',
    });

    // Assess
    expect(targets).toEqual([
      {
        target: '10.0.0.5:8080',
        labels: {
          __metrics_path__: '/metrics',
          instance: '10.0.0.5',
          __scheme__: 'https',
          __scrape_interval__: '15s',
          __scrape_timeout__: '10s',
          job: 'payments',
        },
      },
    ]);
    expect(Object.keys(targets[0]?.labels ?? {})).toEqual([
      '__metrics_path__',
      'instance',
      '__scheme__',
      '__scrape_interval__',
      '__scrape_timeout__',
      'job',
    ]);
    expect(dropped.invalid_scrape_setting).toBe(0);
  });

  it('applies suffixed settings to their own group only, matching keys case-insensitively; service tags count too', () => {
    // Act
    const { targets } = scrapeLabelsOf(
      { METRICS_PORT: '8080', METRICS_PORT_ECS: '9779', METRICS_job_ecs: 'ecs-exporter' },
      { METRICS_SCHEME: 'https', METRICS_INTERVAL_ECS: '1m' },
    );

    // Assess
    expect(targets).toEqual([
      {
        target: '10.0.0.5:8080',
        labels: { __metrics_path__: '/metrics', instance: '10.0.0.5', __scheme__: 'https' },
      },
      {
        target: '10.0.0.5:9779',
        labels: {
          __metrics_path__: '/metrics',
          instance: '10.0.0.5',
          __scrape_interval__: '1m',
          job: 'ecs-exporter',
        },
      },
    ]);
  });

  it('leaves out an invalid setting with a counted warning and keeps the target and the other settings', () => {
    // Act
    const { targets, dropped, warnings } = scrapeLabelsOf({
      METRICS_PORT: '8080',
      METRICS_SCHEME: 'ftp',
      METRICS_INTERVAL: '30s',
      METRICS_TIMEOUT: '1m',
      METRICS_JOB: 'api',
    });

    // Assess
    expect(targets).toEqual([
      {
        target: '10.0.0.5:8080',
        labels: {
          __metrics_path__: '/metrics',
          instance: '10.0.0.5',
          __scrape_interval__: '30s',
          job: 'api',
        },
      },
    ]);
    expect(dropped.invalid_scrape_setting).toBe(2);
    expect(warnings).toEqual([
      {
        message: 'Scrape setting left out: its value is invalid',
        data: {
          cluster: 'c1',
          service: 'web',
          task: TASK_ARN,
          source: 'METRICS_SCHEME',
          value: 'ftp',
          expected: 'http or https',
          reason: 'invalid_scrape_setting',
        },
      },
      {
        message: 'Scrape setting left out: its value is invalid',
        data: {
          cluster: 'c1',
          service: 'web',
          task: TASK_ARN,
          source: 'METRICS_TIMEOUT',
          value: '1m',
          expected: 'a duration at most the scrape interval 30s',
          reason: 'invalid_scrape_setting',
        },
      },
    ]);
  });

  it('still drops raw __scheme__, __scrape_interval__ and job tags: only validated settings reach those names', () => {
    // Act
    const { targets, dropped } = scrapeLabelsOf({
      METRICS_PORT: '8080',
      __scheme__: 'https',
      __scrape_interval__: '1s',
      job: 'stolen',
    });

    // Assess: the tag filter lets only METRICS_* through here, so check with every tag exported too.
    expect(targets[0]?.labels).toEqual({ __metrics_path__: '/metrics', instance: '10.0.0.5' });
    const all = buildTargets(
      fleetWith({ METRICS_PORT: '8080', __scheme__: 'https', __scrape_interval__: '1s', job: 'stolen' }),
      config(),
    );
    expect(all.groups[0]?.labels.__scheme__).toBeUndefined();
    expect(all.groups[0]?.labels.__scrape_interval__).toBeUndefined();
    expect(all.groups[0]?.labels.job).toBeUndefined();
    expect(all.droppedLabels.reserved_name).toBe(3);
    expect(dropped.invalid_scrape_setting).toBe(0);
  });

  it('consumes settings tags without a port group: they never become ordinary labels', () => {
    // Act
    const { targets } = scrapeLabelsOf({ METRICS_PORT: '8080', METRICS_JOB_X: 'orphan' });

    // Assess
    expect(targets[0]?.labels).toEqual({ __metrics_path__: '/metrics', instance: '10.0.0.5' });
  });
});

describe('validateScrapeSettings', () => {
  const raw = (kind: string, value: string) => ({ [kind]: { source: `METRICS_${kind}`, value } });

  it.each([
    { kind: 'SCHEME', value: 'http', expected: { scheme: 'http' } },
    { kind: 'SCHEME', value: 'https', expected: { scheme: 'https' } },
    { kind: 'SCHEME', value: 'HTTPS', expected: {} },
    { kind: 'SCHEME', value: ' ', expected: {} },
    { kind: 'INTERVAL', value: '1m30s', expected: { interval: '1m30s' } },
    { kind: 'INTERVAL', value: '0', expected: {} },
    { kind: 'INTERVAL', value: '30', expected: {} },
    { kind: 'INTERVAL', value: '1h1h', expected: {} },
    { kind: 'TIMEOUT', value: '500ms', expected: { timeout: '500ms' } },
    { kind: 'TIMEOUT', value: '0s', expected: {} },
    { kind: 'TIMEOUT', value: '10 s', expected: {} },
    { kind: 'JOB', value: 'payments api', expected: { job: 'payments api' } },
    { kind: 'JOB', value: '', expected: {} },
  ])('$kind=$value gives $expected', ({ kind, value, expected }) => {
    // Act
    const { settings, problems } = validateScrapeSettings(raw(kind, value));

    // Assess
    expect(settings).toEqual(expected);
    const invalid = value.trim() !== '' && Object.keys(expected).length === 0;
    expect(problems.length).toBe(invalid ? 1 : 0);
  });

  it('keeps a timeout equal to the interval and one without an interval', () => {
    // Act
    const equal = validateScrapeSettings({ ...raw('INTERVAL', '10s'), ...raw('TIMEOUT', '10s') });
    const alone = validateScrapeSettings(raw('TIMEOUT', '1h'));

    // Assess
    expect(equal.settings).toEqual({ interval: '10s', timeout: '10s' });
    expect(alone.settings).toEqual({ timeout: '1h' });
  });
});
