/**
 * What an ECS service and its task definition name by ARN and meshward never creates (the CreateService and
 * RegisterTaskDefinition members of the ECS model): ELB target groups and the blue/green listener rules of
 * `loadBalancers`, and the IAM roles ECS assumes or passes (task and execution roles, the blue/green and lifecycle
 * hook roles, the EBS infrastructure role, the legacy load balancer `role`). Attachments add their own members'.
 */
import type { ManifestDocument } from '../../core/types';
import type { Prerequisite } from '../kind';
import { prerequisitesOf } from '../shared/prerequisite';
import { asArray, getPath } from '../shared/spec-utils';

export function corePrerequisites(doc: ManifestDocument): Prerequisite[] {
  const spec = doc.spec;
  const pairs: (readonly [unknown, string])[] = [
    [getPath(spec, 'role'), '/spec/role'],
    [getPath(spec, 'taskDefinition', 'taskRoleArn'), '/spec/taskDefinition/taskRoleArn'],
    [getPath(spec, 'taskDefinition', 'executionRoleArn'), '/spec/taskDefinition/executionRoleArn'],
  ];
  asArray(getPath(spec, 'loadBalancers')).forEach((lb, i) => {
    const at = `/spec/loadBalancers/${i}`;
    pairs.push([getPath(lb, 'targetGroupArn'), `${at}/targetGroupArn`]);
    for (const member of ['alternateTargetGroupArn', 'productionListenerRule', 'testListenerRule', 'roleArn']) {
      pairs.push([getPath(lb, 'advancedConfiguration', member), `${at}/advancedConfiguration/${member}`]);
    }
  });
  asArray(getPath(spec, 'deploymentConfiguration', 'lifecycleHooks')).forEach((hook, i) => {
    pairs.push([getPath(hook, 'roleArn'), `/spec/deploymentConfiguration/lifecycleHooks/${i}/roleArn`]);
  });
  asArray(getPath(spec, 'volumeConfigurations')).forEach((volume, i) => {
    pairs.push([
      getPath(volume, 'managedEBSVolume', 'roleArn'),
      `/spec/volumeConfigurations/${i}/managedEBSVolume/roleArn`,
    ]);
  });
  return prerequisitesOf(pairs);
}
