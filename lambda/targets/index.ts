/** The target builder's public surface. */
export { type BuildResult, buildTargets, cloudMapEnrichment, type Enrichment } from './build.ts';
export { formatExplainTable } from './explain-table.ts';
export { renderTargets } from './render.ts';
export { formatTable } from './table.ts';
export type { TargetGroup } from './target-group.ts';
