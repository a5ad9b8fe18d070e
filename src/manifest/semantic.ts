/**
 * Rules no single document's schema can express: identity, references between documents, and whatever each kind
 * adds through its `check` (ports and protocols that must agree across resources...). Pure functions over loaded
 * documents; AWS would reject (or silently misroute) what they catch, but only after half a plan had been applied.
 * Nothing here knows a kind: identities, references and rules come from the kind registry.
 */
import { ANNOTATIONS, resourceId } from '../core/types';
import type { LoadedDocument, ManifestDocument, ResourceRef } from '../core/types';
import type { SemanticChecker } from '../kinds/kind';
import { type KindRegistry, defaultRegistry } from '../kinds/registry';
import { formatPosition, issueAt, positionOf } from './issues';
import type { IssueCode, ValidationIssue } from './issues';
import { suggest } from './suggest';
import type { SuggestBudget } from './suggest';

function get(value: unknown, ...keys: Array<string | number>): unknown {
  let node = value;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** References need not be declared: annotated external, or a placeholder (which stands for someone else's). */
export function isExternal(doc: ManifestDocument): boolean {
  const annotations = get(doc, 'metadata', 'annotations');
  return get(annotations, ANNOTATIONS.external) === 'true' || get(annotations, ANNOTATIONS.placeholder) === 'true';
}

/**
 * The identity of a document that names itself well enough to be referenced, whatever else is wrong with it:
 * the kind builds it from string fields only, because documents that failed their schema get here too.
 */
export function safeRefOf(doc: unknown, registry: KindRegistry = defaultRegistry): ResourceRef | undefined {
  return registry.refOf(doc);
}

/** Resources a reference could have meant: same kind, same mesh, same parent. */
function siblingGroup(ref: ResourceRef): string {
  return resourceId({ ...ref, name: '' });
}

/** Edit-distance work all "did you mean" hints of one validation may spend (a few hundred ms at most). */
const SUGGEST_CELLS = 50_000_000;

class Checker {
  readonly issues: ValidationIssue[] = [];
  readonly declared = new Map<string, LoadedDocument>();
  /** siblingGroup -> declared names, for hints without rescanning every document per dangling reference. */
  private readonly names = new Map<string, string[]>();
  private readonly budget: SuggestBudget = { cells: SUGGEST_CELLS };

  constructor(
    documents: readonly LoadedDocument[],
    readonly registry: KindRegistry,
  ) {
    for (const loaded of documents) {
      const ref = safeRefOf(loaded.doc, registry);
      if (ref === undefined) continue;
      const id = resourceId(ref);
      const first = this.declared.get(id);
      if (first === undefined) {
        this.declared.set(id, loaded);
        const group = siblingGroup(ref);
        const names = this.names.get(group);
        if (names) names.push(ref.name);
        else this.names.set(group, [ref.name]);
        continue;
      }
      this.report(
        loaded,
        '/metadata/name',
        'DUPLICATE_RESOURCE',
        `declares ${id} again (first declared at ${formatPosition(positionOf(first, '/metadata/name'))})`,
      );
    }
  }

  report(
    loaded: LoadedDocument,
    pointer: string,
    code: IssueCode,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ): void {
    this.issues.push(issueAt(positionOf(loaded, pointer), pointer, code, message, severity));
  }

  find(ref: ResourceRef): LoadedDocument | undefined {
    return this.declared.get(resourceId(ref));
  }

  /** Checks a reference; returns the target when it is declared. */
  require(
    loaded: LoadedDocument,
    pointer: string,
    ref: ResourceRef,
    code: IssueCode = 'DANGLING_REFERENCE',
  ): LoadedDocument | undefined {
    const target = this.find(ref);
    if (target !== undefined) return target;
    if (isExternal(loaded.doc)) return undefined;
    const where = this.registry.find(ref.kind)?.describeScope?.(ref) ?? '';
    const hint = suggest(ref.name, this.names.get(siblingGroup(ref)) ?? [], this.budget);
    this.report(
      loaded,
      pointer,
      code,
      `${ref.kind} "${ref.name}" is not declared${where}` +
        (hint
          ? ` (did you mean "${hint}"?)`
          : ` (declare it, or annotate this document ${ANNOTATIONS.external}: "true" if it is managed elsewhere)`),
    );
    return undefined;
  }
}

/**
 * All cross-document rules. `checked` limits the per-document rules to documents that passed the schema (their
 * shapes are known); identities come from every document, so one broken file does not make others dangle.
 */
export function checkSemantics(
  documents: readonly LoadedDocument[],
  checked: (loaded: LoadedDocument) => boolean = () => true,
  registry: KindRegistry = defaultRegistry,
): ValidationIssue[] {
  const checker = new Checker(documents, registry);
  for (const loaded of documents) {
    if (!checked(loaded)) continue;
    const ref = registry.refOf(loaded.doc);
    if (ref === undefined) continue;
    checkDocument(checker, loaded, ref);
  }
  return checker.issues;
}

function checkDocument(checker: Checker, loaded: LoadedDocument, ref: ResourceRef): void {
  const kind = checker.registry.get(ref.kind);
  const external = isExternal(loaded.doc);
  const references = kind.references(ref, loaded.doc.spec).filter((r) => !r.byName);
  for (const r of references.filter((x) => x.root)) {
    // Without its mesh every other reference of the document would dangle too; one error says it.
    if (checker.find(r.target) || external) continue;
    checker.require(loaded, r.pointer, r.target, r.missingCode);
    return;
  }
  for (const r of references.filter((x) => !x.root)) checker.require(loaded, r.pointer, r.target, r.missingCode);
  if (!kind.check) return;
  const api: SemanticChecker = {
    loaded,
    ref,
    external,
    report: (pointer, code, message, severity) => checker.report(loaded, pointer, code, message, severity),
    find: (target) => checker.find(target),
    require: (pointer, target) => checker.require(loaded, pointer, target),
    documents: () => [...checker.declared.values()],
  };
  kind.check(api);
}
