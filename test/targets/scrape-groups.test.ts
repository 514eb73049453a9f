import { describe, expect, it } from 'vitest';
import { addLabels, type Label, LabelPriority } from '../../lambda/targets/label-set.ts';
import { extractScrapeGroups, parsePort, type ScrapeGroup } from '../../lambda/targets/scrape-groups.ts';

const taskTags = (record: Record<string, string>): readonly Label[] =>
  addLabels(
    [],
    Object.entries(record).map(([name, value]) => ({ name, value, priority: LabelPriority.TaskTag })),
  );

describe('parsePort', () => {
  it.each([
    ['8080', 8080],
    ['1', 1],
    ['65535', 65535],
    [' 8080 ', undefined],
    ['8080 ', undefined],
    ['+80', undefined],
    ['080', undefined],
    ['0', undefined],
    ['-0', undefined],
    ['00', undefined],
    ['８０', undefined],
    ['8080.0', undefined],
    ['65536', undefined],
    ['-1', undefined],
    ['abc', undefined],
    ['80a', undefined],
    ['8 0', undefined],
    ['80.0', undefined],
    ['1e3', undefined],
    ['0x50', undefined],
    ['', undefined],
    ['99999999999999999999', undefined],
  ])('parses %j as %j', (value, expected) => {
    // Act
    const port = parsePort(value);

    // Assess
    expect(port).toBe(expected);
  });
});

describe('extractScrapeGroups', () => {
  it.each<{ case: string; tags: Record<string, string>; expected: ScrapeGroup[] }>([
    {
      case: 'an unsuffixed port with the default path and no name',
      tags: { METRICS_PORT: '8080' },
      expected: [{ key: '', port: 8080, path: '/metrics', name: '' }],
    },
    {
      case: 'numeric and text suffixes pair port, path and name; unsuffixed first, then by key',
      tags: {
        METRICS_PORT_ECS: '9779',
        METRICS_NAME_ECS: 'ecs-exporter',
        METRICS_PORT_1: '9100',
        METRICS_PATH_1: '/node',
        METRICS_PORT: '8080',
        METRICS_PATH: '/prom',
        METRICS_NAME: '/application',
      },
      expected: [
        { key: '', port: 8080, path: '/prom', name: '/application' },
        { key: '_1', port: 9100, path: '/node', name: '' },
        { key: '_ECS', port: 9779, path: '/metrics', name: 'ecs-exporter' },
      ],
    },
    {
      case: 'the group key is all text after PORT/PATH/NAME, so _A_1 and _B_1 stay apart',
      tags: {
        METRICS_PORT_A_1: '1001',
        METRICS_PATH_A_1: '/a',
        METRICS_PORT_B_1: '1002',
        METRICS_PATH_B_1: '/b',
      },
      expected: [
        { key: '_A_1', port: 1001, path: '/a', name: '' },
        { key: '_B_1', port: 1002, path: '/b', name: '' },
      ],
    },
    {
      case: 'a suffix with a dash is a group key',
      tags: { 'METRICS_PORT_SVC-ONE': '7000' },
      expected: [{ key: '_SVC-ONE', port: 7000, path: '/metrics', name: '' }],
    },
    {
      case: 'a group without a port is dropped',
      tags: { METRICS_PATH_X: '/x', METRICS_NAME_X: 'x', METRICS_PORT: '8080' },
      expected: [{ key: '', port: 8080, path: '/metrics', name: '' }],
    },
    {
      case: 'a group with a bad port is dropped',
      tags: { METRICS_PORT: 'abc', METRICS_PORT_2: '9000' },
      expected: [{ key: '_2', port: 9000, path: '/metrics', name: '' }],
    },
    {
      case: 'a blank path falls back to /metrics and a blank name means no name',
      tags: { METRICS_PORT: '8080', METRICS_PATH: ' ', METRICS_NAME: '' },
      expected: [{ key: '', port: 8080, path: '/metrics', name: '' }],
    },
    {
      case: 'the prefix is case-insensitive',
      tags: { metrics_port: '8080', Metrics_Path: '/m', METRICS_port_X: '9100', metrics_NAME_x: 'x' },
      expected: [
        { key: '', port: 8080, path: '/m', name: '' },
        { key: '_X', port: 9100, path: '/metrics', name: 'x' },
      ],
    },
    {
      case: 'of two port tags differing only in case the later one (AWS order) wins',
      tags: { METRICS_PORT_X: '8101', METRICS_port_X: '8102' },
      expected: [{ key: '_X', port: 8102, path: '/metrics', name: '' }],
    },
    {
      case: 'a blank port is no port; an invalid one leaves its group out',
      tags: { METRICS_PORT: '  ', METRICS_PORT_A: '0', METRICS_PORT_B: '9002' },
      expected: [{ key: '_B', port: 9002, path: '/metrics', name: '' }],
    },
  ])('$case', ({ tags, expected }) => {
    // Act
    const { groups } = extractScrapeGroups(taskTags(tags), 'METRICS_');

    // Assess
    expect(groups).toEqual(expected);
  });

  it('removes every port, path and name label, also of dropped groups, and keeps the rest', () => {
    // Prepare
    const labels = taskTags({
      team: 'b',
      METRICS_PORT: 'abc',
      METRICS_PATH_X: '/x',
      METRICS_NAME: 'n',
      METRICS_SCHEME: 'https',
    });

    // Act
    const { groups, labels: rest } = extractScrapeGroups(labels, 'METRICS_');

    // Assess
    expect(groups).toEqual([]);
    expect(rest.map((label) => label.name)).toEqual(['team', 'METRICS_SCHEME']);
  });

  it('uses the configured prefix', () => {
    // Prepare
    const labels = taskTags({ 'PROM-X_PORT': '9090', METRICS_PORT: '8080' });

    // Act
    const { groups, labels: rest } = extractScrapeGroups(labels, 'PROM-X_');

    // Assess
    expect(groups).toEqual([{ key: '', port: 9090, path: '/metrics', name: '' }]);
    expect(rest.map((label) => label.name)).toEqual(['METRICS_PORT']);
  });
});
