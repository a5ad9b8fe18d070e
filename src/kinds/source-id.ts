/**
 * The id of a source document (`Route/<mesh>/<router>/<name>`), as the kinds define identity: the one place
 * migrate asks for it, so a change in where identities live is a change here only.
 */
import type { ManifestDocument } from '../core/types';
import { refOf, resourceId } from '../core/types';

export function sourceIdOf(doc: ManifestDocument): string {
  return resourceId(refOf(doc));
}
