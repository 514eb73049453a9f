// placeholder: replaced by the runtime branch
// Exists only so the CDK app can bundle the refresher entry (lib/snapshot-refresher.ts).
export const refreshHandler = async (_event: unknown): Promise<never> => {
  throw new Error('not built yet');
};
