/**
 * The account and Region labels of a target's source (docs/decisions.md "Many accounts and Regions
 * (issue 16)"), from the ARN it was read from: a task's cluster, a Cloud Map-only instance's
 * namespace. Emitted only with several sources.
 */
import { arnSource } from '../config/sources.ts';
import { type Label, LabelPriority } from './label-set.ts';
import { MetaSourceLabel, SystemSourceLabel } from './labels.ts';

/** `_sys_ecs_account_id`, `_sys_ecs_region` and their `__meta_ecs_*` twins (empty when not an ARN). */
export const accountRegionLabels = (arn: string): Label[] => {
  const { accountId = '', region = '' } = arnSource(arn) ?? {};
  return [
    { name: SystemSourceLabel.EcsAccountId, value: accountId, priority: LabelPriority.System },
    { name: SystemSourceLabel.EcsRegion, value: region, priority: LabelPriority.System },
    { name: MetaSourceLabel.EcsAccountId, value: accountId, priority: LabelPriority.Meta },
    { name: MetaSourceLabel.EcsRegion, value: region, priority: LabelPriority.Meta },
  ];
};
