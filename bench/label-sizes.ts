/**
 * Body size of `MetaLabels=full` against `compact` (docs/benchmarks.md "Label sizes"): discovers
 * each benchmark fleet once per mode through the real SDK against the AWS double (no latency, no
 * throttling: only the body matters) and prints the bytes, plain and gzip. `npm run bench:labels`.
 */
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../lambda/config/load.ts';
import { createDiscoverDetailed } from '../lambda/discover.ts';
import { createTtlCache } from '../lambda/inventory/ttl-cache.ts';
import { defineFleet, makeClients, startAwsDouble } from '../test/aws-double/index.ts';
import { discoveryEnv, FLEETS, fleetSpec } from './fleets.ts';

const MODES = ['compact', 'full'] as const;
const wanted = process.argv.slice(2);

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;

console.log('| fleet | targets | MetaLabels | body | gzip | per target |');
console.log('|---|---:|---|---:|---:|---:|');
for (const plan of FLEETS.filter((p) => wanted.length === 0 || wanted.includes(p.name))) {
  const double = await startAwsDouble(defineFleet(fleetSpec(plan)));
  const clients = makeClients(double);
  try {
    for (const mode of MODES) {
      const config = loadConfig({ ...discoveryEnv(plan), DiscoveryOptions__MetaLabels: mode });
      const discover = createDiscoverDetailed(config, {
        clients: { ecs: clients.ecs, cloudMap: clients.serviceDiscovery },
        cache: createTtlCache(),
      });
      const { body, targetCount } = await discover();
      const bytes = Buffer.byteLength(body, 'utf8');
      const gzip = gzipSync(body).length;
      console.log(
        `| ${plan.name} | ${targetCount} | ${mode} | ${bytes} B (${kib(bytes)}) | ${gzip} B (${kib(gzip)}) | ${Math.round(bytes / Math.max(1, targetCount))} B |`,
      );
    }
  } finally {
    clients.destroy();
    await double.close();
  }
}
