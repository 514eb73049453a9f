/**
 * The AWS region, checked where a person starts a door (CLI, local server): the SDK's own
 * "Region is missing" says nothing about what to set.
 */
import { ECSClient } from '@aws-sdk/client-ecs';

/** What the CLI and the local server say when no region is configured. */
export const REGION_MISSING =
  'AWS region is not set: set AWS_REGION (e.g. AWS_REGION=eu-west-1), or a region in your AWS profile';

/** Whether `error` is the SDK's complaint about a missing region. */
export const isRegionMissing = (error: unknown): boolean =>
  error instanceof Error && error.message === 'Region is missing';

/**
 * Resolves the region the way the SDK clients will (environment, then the shared config files);
 * `false` when there is none. Nothing is sent over the network.
 */
export const regionConfigured = async (): Promise<boolean> => {
  const client = new ECSClient({});
  try {
    await client.config.region();
    return true;
  } catch (error) {
    if (isRegionMissing(error)) return false;
    throw error;
  } finally {
    client.destroy();
  }
};
