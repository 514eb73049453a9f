/**
 * The CDK app (`cdk.json` runs it with `npx tsx bin/app.ts`). Settings come from CDK context:
 * defaults in `cdk.json`, overrides with `-c key=value` (docs/deploy.md).
 *
 * A setting the app rejects is the operator's input, not a crash: its message goes to stderr as
 * it is, one line per problem, with no stack trace, and the app exits 1 (so does `cdk synth`).
 */
import { InvalidContextError } from '../lib/app-settings.ts';
import { createDiscoveryApp } from '../lib/discovery-app.ts';
import { InvalidPropsError } from '../lib/ecs-cloudmap-discovery.ts';

try {
  createDiscoveryApp();
} catch (error) {
  if (!(error instanceof InvalidContextError || error instanceof InvalidPropsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
