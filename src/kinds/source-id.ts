/**
 * The id of a source document (`Route/<mesh>/<router>/<name>`), as the kind registry defines identity: the one
 * place migrate asks for it. A kind the registry does not know (yet) is named by kind and name.
 */
import type { ManifestDocument } from '../core/types';
import { resourceId } from '../core/types';
import { defaultRegistry } from './registry';

export function sourceIdOf(doc: ManifestDocument): string {
  const ref = defaultRegistry.refOf(doc);
  return ref ? resourceId(ref) : `${doc.kind}/${doc.metadata.name}`;
}
