/**
 * Building blocks of `Kind.writeCalls`: the CloudTrail eventNames that change a resource. The names are the API
 * operations of the models in aws-models/.
 */

/** The tagging calls of every service meshward manages: a tag change moves ownership. */
export const TAG_CALLS: readonly string[] = ['TagResource', 'UntagResource'];

/** `Create<Type>`, `Update<Type>`, `Delete<Type>` (or the verbs given) plus the tagging calls. */
export function crudCalls(type: string, verbs: readonly string[] = ['Create', 'Update', 'Delete']): string[] {
  return [...verbs.map((verb) => `${verb}${type}`), ...TAG_CALLS];
}
