/** Safety-guard refusals (DESIGN.md "Ownership and safety"): each one explained, each one exit code 4. */

export type GuardCode =
  | 'empty-desired-set' // prune would delete with no manifests at all: almost always a broken source
  | 'max-deletes' // prune would delete more than --max-deletes
  | 'deletion-protection' // the resource carries meshward.dev/deletion-protection=true
  | 'conflict' // the resource exists but is not ours, or a replace needs to delete something that is not ours
  | 'plan-moved'; // apply FILE: AWS or the manifests moved since the saved plan was reviewed

export interface GuardRefusal {
  code: GuardCode;
  message: string;
  /** The resources concerned, in kind order then id. */
  ids: string[];
  /** `plan`: nothing is applied at all; `resources`: only the named resources are left alone. */
  scope: 'plan' | 'resources';
}

export const DEFAULT_MAX_DELETES = 5;
