/**
 * The CDK app (`cdk.json` runs it with `npx tsx bin/app.ts`). Settings come from CDK context:
 * defaults in `cdk.json`, overrides with `-c key=value` (docs/deploy.md).
 */
import { createDiscoveryApp } from '../lib/discovery-app.ts';

createDiscoveryApp();
