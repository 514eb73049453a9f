import { describe, expect, it } from 'vitest';
import type { IpAddressFamily } from '../../lambda/config/types.ts';
import type { Task } from '../../lambda/model/inventory.ts';
import {
  formatTarget,
  groupEndpoints,
  scrapePort,
  selectAddresses,
  taskAddresses,
} from '../../lambda/targets/address.ts';

const task = (extra: Partial<Task>): Task => ({
  arn: 'arn:aws:ecs:eu-west-1:123456789012:task/c/t',
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/a:1',
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  tags: [],
  ...extra,
});

describe('selectAddresses', () => {
  it.each<[IpAddressFamily, string | undefined, string | undefined, string[]]>([
    ['ipv4', '10.0.0.1', '2001:db8::1', ['10.0.0.1']],
    ['ipv4', undefined, '2001:db8::1', ['2001:db8::1']],
    ['ipv4', undefined, undefined, []],
    ['ipv6', '10.0.0.1', '2001:db8::1', ['2001:db8::1']],
    ['ipv6', '10.0.0.1', undefined, []],
    ['dual', '10.0.0.1', '2001:db8::1', ['10.0.0.1', '2001:db8::1']],
    ['dual', undefined, '2001:db8::1', ['2001:db8::1']],
  ])('%s with ipv4=%s ipv6=%s selects %j', (family, ipv4, ipv6, expected) => {
    expect(selectAddresses({ ipv4, ipv6 }, family)).toEqual(expected);
  });
});

describe('scrapePort and formatTarget', () => {
  const bridge = task({
    networkMode: 'bridge',
    host: { ipv4: '10.1.0.1' },
    portBindings: [{ containerPort: 8080, hostPort: 32768 }],
  });
  const host = task({
    networkMode: 'host',
    host: { ipv4: '10.1.0.1' },
    portBindings: [{ containerPort: 80, hostPort: 80 }],
  });
  it.each<[string, Task, number, number | undefined]>([
    ['awsvpc keeps the tag port', task({ ipv4: '10.0.0.1' }), 9100, 9100],
    ['bridge maps a bound container port to its host port', bridge, 8080, 32768],
    ['bridge without a binding cannot be mapped', bridge, 9100, undefined],
    ['host uses the same port when it is not bound', host, 9100, 9100],
    ['host uses the binding when there is one', host, 80, 80],
  ])('%s', (_name, t, port, expected) => {
    expect(scrapePort(t, port)).toBe(expected);
  });

  it('brackets IPv6 targets and keeps the bare address as instance', () => {
    expect(formatTarget('2001:db8::1', 9100)).toBe('[2001:db8::1]:9100');
    expect(formatTarget('10.0.0.1', 9100)).toBe('10.0.0.1:9100');
    expect(groupEndpoints(task({ ipv6: '2001:db8::1' }), ['2001:db8::1'], 9100)).toEqual([
      { instance: '2001:db8::1', target: '[2001:db8::1]:9100', port: 9100 },
    ]);
  });
});

describe('taskAddresses', () => {
  it.each<[string, Task, ReturnType<typeof taskAddresses>]>([
    ['awsvpc', task({ ipv4: '10.0.0.1', ipv6: '2001:db8::1' }), { ipv4: '10.0.0.1', ipv6: '2001:db8::1' }],
    [
      'EC2 host',
      task({ ipv4: '10.9.9.9', host: { ipv4: '10.1.0.1' } }),
      { ipv4: '10.1.0.1', ipv6: undefined },
    ],
    ['ECS Anywhere', task({ host: { unknown: 'external' } }), 'external_instance'],
    ['EC2 not read', task({ host: { unknown: 'disabled' } }), 'host_address_disabled'],
    ['host gone', task({ host: { unknown: 'missing' } }), 'no_address'],
  ])('%s', (_name, t, expected) => {
    expect(taskAddresses(t)).toEqual(expected);
  });
});
