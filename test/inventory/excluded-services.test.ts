/**
 * The services the collector reads and leaves out are kept in the snapshot with the values that
 * decided it (docs/decisions.md "Explain view (issue 15)"), through the real SDK against the double.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config/load.ts';
import { createDiscoverDetailed } from '../../lambda/discover.ts';
import type { ExcludedService } from '../../lambda/model/inventory.ts';
import {
  type AwsDouble,
  defineFleet,
  type FleetSpec,
  makeClients,
  startAwsDouble,
} from '../aws-double/index.ts';

const opened: { double: AwsDouble; destroy: () => void }[] = [];
afterEach(async () => {
  for (const { double, destroy } of opened.splice(0)) {
    destroy();
    await double.close();
  }
});

const discoverOnce = async (spec: FleetSpec, env: Record<string, string>) => {
  const double = await startAwsDouble(defineFleet(spec));
  const clients = makeClients(double, { maxAttempts: 1 });
  opened.push({ double, destroy: clients.destroy });
  return createDiscoverDetailed(loadConfig(env), {
    clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
  })();
};

const summary = (excluded: readonly ExcludedService[] | undefined) =>
  (excluded ?? []).map(
    (s) =>
      `${s.clusterArn.split('/').at(-1)}/${s.name} ${s.excludedBy} ${s.selectorTags.map((t) => `${t.key}=${t.value}`).join(';')} ${s.registrations}`,
  );

const FLEET: FleetSpec = {
  clusters: [
    {
      name: 'a',
      services: [
        { name: 'web', tags: { scrape: 'yes', METRICS_PORT: '80' }, serviceConnect: { namespace: 'apps' } },
        {
          name: 'worker',
          tags: { scrape: 'no', team: 'x', METRICS_PORT: '80' },
          serviceConnect: { namespace: 'apps' },
        },
        { name: 'plain', tags: { scrape: 'yes', METRICS_PORT: '80' } },
        { name: 'untagged', tags: { METRICS_PORT: '80' } },
      ],
    },
  ],
};

describe('services left out by the collector', () => {
  it('clusters mode: the selector-excluded services, with only their selector tags, sorted by name', async () => {
    // Act
    const result = await discoverOnce(FLEET, {
      DiscoveryOptions__EcsClusters: 'a',
      DiscoveryOptions__EcsServiceSelectorTags: 'scrape=yes',
    });

    // Assess
    expect(summary(result.snapshot.excludedServices)).toEqual([
      'a/untagged service_selector  0',
      'a/worker service_selector scrape=no 1',
    ]);
    expect(
      result.explain.entries
        .filter((e) => e.kind === 'service')
        .map((e) => `${e.service} ${e.target} ${e.notes.map((n) => n.reason).join()}`),
    ).toEqual([
      'plain true ',
      'web true ',
      'untagged false service_selector',
      'worker false service_selector',
    ]);
  });

  it('both modes: a selected service not registered in the namespaces is kept as not_registered', async () => {
    // Act
    const result = await discoverOnce(FLEET, {
      DiscoveryOptions__EcsClusters: 'a',
      DiscoveryOptions__CloudMapNamespaces: 'apps',
      DiscoveryOptions__EcsServiceSelectorTags: 'scrape=yes',
    });

    // Assess
    expect(summary(result.snapshot.excludedServices)).toEqual([
      'a/plain not_registered  0',
      'a/untagged service_selector  0',
      'a/worker service_selector scrape=no 1',
    ]);
  });

  it('namespaces mode: a registered service failing the selector is kept', async () => {
    // Act
    const result = await discoverOnce(FLEET, {
      DiscoveryOptions__CloudMapNamespaces: 'apps',
      DiscoveryOptions__EcsServiceSelectorTags: 'scrape=yes',
    });

    // Assess
    expect(summary(result.snapshot.excludedServices)).toEqual(['a/worker service_selector scrape=no 1']);
  });

  it('adds no field when nothing is left out', async () => {
    // Act
    const result = await discoverOnce(FLEET, { DiscoveryOptions__EcsClusters: 'a' });

    // Assess
    expect(result.snapshot).not.toHaveProperty('excludedServices');
  });
});
