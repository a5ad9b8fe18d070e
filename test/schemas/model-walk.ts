/**
 * Walks botocore shapes the way the coverage test needs: every member path at every depth, the constraints met on
 * the way, and documents that either satisfy the model or break exactly one constraint. It reads the models on its
 * own (not through the generator's schema code) so the test checks the schemas against the models, not against
 * themselves.
 */
import type { BotocoreShape } from '../../scripts/gen-schemas';
import { translatePattern } from '../../scripts/gen-schemas';

export type Step = { member: string } | { item: true } | { key: string };

export interface PathNode {
  /** Steps from the spec root to this value. */
  steps: Step[];
  shape: string;
  /** The structure member this node is, when the last step is a member. */
  member?: { owner: string; name: string };
  /** The walk stopped here because the shape already occurs higher up on the same path. */
  cycleCut?: boolean;
}

export type ConstraintKind =
  | 'required'
  | 'union:none'
  | 'union:many'
  | 'exactlyOneOf:none'
  | 'exactlyOneOf:many'
  | 'closed'
  | 'enum'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'minimum'
  | 'maximum'
  | 'minItems'
  | 'maxItems'
  | 'minProperties'
  | 'maxProperties'
  | 'duration:string';

export interface Constraint {
  node: PathNode;
  kind: ConstraintKind;
  /** The member for required / the group for exactlyOneOf. */
  detail?: string;
  /** The value to put at the node instead of a valid one. */
  violation: unknown;
  /** ajv keyword expected at the node's pointer. */
  keyword: string;
}

const MAP_KEY = 'k';

export class ModelWalker {
  constructor(readonly shapes: Record<string, BotocoreShape>) {}

  shape(name: string): BotocoreShape {
    const shape = this.shapes[name];
    if (!shape) throw new Error(`unknown shape ${name}`);
    return shape;
  }

  /** Every node under the root (the root itself first), depth first, cutting cycles. */
  nodes(root: string): PathNode[] {
    const out: PathNode[] = [];
    const visit = (node: PathNode, stack: string[]): void => {
      const cycle = stack.includes(node.shape);
      out.push(cycle ? { ...node, cycleCut: true } : node);
      if (cycle) return;
      const shape = this.shape(node.shape);
      const next = [...stack, node.shape];
      for (const [name, ref] of Object.entries(shape.members ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        visit(
          { steps: [...node.steps, { member: name }], shape: ref.shape, member: { owner: node.shape, name } },
          next,
        );
      }
      if (shape.type === 'list' && shape.member) {
        visit({ steps: [...node.steps, { item: true }], shape: shape.member.shape }, next);
      }
      if (shape.type === 'map' && shape.value) {
        visit({ steps: [...node.steps, { key: MAP_KEY }], shape: shape.value.shape }, next);
      }
    };
    visit({ steps: [], shape: root }, []);
    return out;
  }

  // --- valid values ----------------------------------------------------------------------------------------------

  /** The smallest value the model accepts: required members only, first union member, shortest lists. */
  minimal(name: string, stack: string[] = []): unknown {
    if (stack.includes(name)) throw new Error(`required members recurse through ${name}: no finite value exists`);
    const shape = this.shape(name);
    const next = [...stack, name];
    switch (shape.type) {
      case 'structure':
        return shape.document ? {} : this.minimalStruct(name, undefined, next);
      case 'list': {
        const item = shape.member?.shape ?? '';
        return Array.from({ length: shape.min ?? 0 }, () => this.minimal(item, next));
      }
      case 'map': {
        const value = shape.value?.shape ?? '';
        return Object.fromEntries(
          Array.from({ length: shape.min ?? 0 }, (_, i) => [`${MAP_KEY}${i}`, this.minimal(value, next)]),
        );
      }
      case 'string':
      case 'timestamp':
      case 'blob':
        return shape.enum ? shape.enum[0] : this.validString(name);
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return shape.min ?? Math.min(1, shape.max ?? 1);
      case 'boolean':
        return true;
      default:
        throw new Error(`shape ${name}: unsupported type ${shape.type}`);
    }
  }

  /** Required members, plus the first member of each choice that `forced` does not already make. */
  minimalStruct(name: string, forced: string | undefined, stack: string[] = [name]): Record<string, unknown> {
    const shape = this.shape(name);
    const members = shape.members ?? {};
    const chosen = new Set<string>();
    if (shape.union) {
      const first = Object.keys(members).sort()[0];
      if (forced === undefined && first !== undefined) chosen.add(first);
    } else {
      for (const member of shape.required ?? []) if (member !== forced) chosen.add(member);
      for (const group of shape.exactlyOneOf ?? []) {
        const first = group[0];
        if ((forced === undefined || !group.includes(forced)) && first !== undefined) chosen.add(first);
      }
    }
    const out: Record<string, unknown> = {};
    for (const member of [...chosen].sort()) {
      const ref = members[member];
      if (!ref) throw new Error(`${name} has no member ${member}`);
      out[member] = this.minimal(ref.shape, stack);
    }
    return out;
  }

  regexOf(name: string): RegExp | undefined {
    const pattern = this.shape(name).pattern;
    if (pattern === undefined) return undefined;
    const translated = translatePattern(name, pattern).translated;
    return translated === undefined ? undefined : new RegExp(translated, 'u');
  }

  validString(name: string): string {
    const shape = this.shape(name);
    const length = Math.max(shape.min ?? 0, 1);
    const regex = this.regexOf(name);
    const candidates = ['a', 'A', '0', 'a-a', 'a.a'].map((c) => c.repeat(length).slice(0, Math.max(length, c.length)));
    const fits = (s: string): boolean =>
      s.length >= (shape.min ?? 0) && s.length <= (shape.max ?? Infinity) && (!regex || regex.test(s));
    const found = candidates.find(fits);
    if (found === undefined) throw new Error(`no valid string found for ${name}`);
    return found;
  }

  /** A document spec whose value at `steps` is `leaf(shape)`, and valid everywhere else. */
  specAlong(root: string, steps: Step[], leaf: (shape: string) => unknown): unknown {
    const build = (name: string, rest: Step[]): unknown => {
      const [step, ...tail] = rest;
      if (step === undefined) return leaf(name);
      const shape = this.shape(name);
      if ('member' in step) {
        const ref = shape.members?.[step.member];
        if (!ref) throw new Error(`${name} has no member ${step.member}`);
        return { ...this.minimalStruct(name, step.member), [step.member]: build(ref.shape, tail) };
      }
      if ('item' in step) {
        const item = shape.member?.shape ?? '';
        const padding = Array.from({ length: Math.max((shape.min ?? 0) - 1, 0) }, () => this.minimal(item));
        return [build(item, tail), ...padding];
      }
      const value = shape.value?.shape ?? '';
      const padding = Array.from({ length: Math.max((shape.min ?? 0) - 1, 0) }, (_, i) => [
        `${MAP_KEY}${i + 1}`,
        this.minimal(value),
      ]);
      return Object.fromEntries([[step.key, build(value, tail)], ...padding]);
    };
    return build(root, steps);
  }

  // --- constraints -----------------------------------------------------------------------------------------------

  /** Every constraint the model puts on the value at this node, each with a value that breaks only it. */
  constraints(node: PathNode): Constraint[] {
    if (node.cycleCut) return [];
    const name = node.shape;
    const shape = this.shape(name);
    const out: Constraint[] = [];
    const add = (kind: ConstraintKind, keyword: string, violation: unknown, detail?: string): void => {
      out.push({ node, kind, keyword, violation, detail });
    };
    const minimalOf = (member: string): unknown => this.minimal(shape.members?.[member]?.shape ?? '');
    switch (shape.type) {
      case 'structure': {
        if (shape.document) break;
        const valid = this.minimalStruct(name, undefined);
        add('closed', 'additionalProperties', { ...valid, notAMember: 'x' });
        for (const member of shape.required ?? []) {
          const { [member]: _dropped, ...rest } = valid;
          add('required', 'required', rest, member);
        }
        if (shape.union) {
          const [a, b] = Object.keys(shape.members ?? {}).sort();
          add('union:none', 'minProperties', {});
          if (a !== undefined && b !== undefined) {
            add('union:many', 'maxProperties', { [a]: minimalOf(a), [b]: minimalOf(b) });
          }
        }
        for (const group of shape.exactlyOneOf ?? []) {
          const rest = Object.fromEntries(Object.entries(valid).filter(([member]) => !group.includes(member)));
          add('exactlyOneOf:none', 'oneOf', rest, group.join('|'));
          const [a, b] = group;
          if (a !== undefined && b !== undefined) {
            add('exactlyOneOf:many', 'oneOf', { ...rest, [a]: minimalOf(a), [b]: minimalOf(b) }, group.join('|'));
          }
        }
        if (name === 'Duration') {
          add('duration:string', 'pattern', '15', 'rejects "15"');
          add('duration:string', 'pattern', '1.5s', 'rejects "1.5s"');
        }
        break;
      }
      case 'string':
      case 'timestamp':
      case 'blob': {
        if (shape.enum) {
          add('enum', 'enum', 'NOT_IN_THE_MODEL_ENUM');
          break;
        }
        const valid = this.validString(name);
        const char = valid.slice(0, 1) || 'a';
        if ((shape.min ?? 0) > 0) add('minLength', 'minLength', char.repeat((shape.min ?? 0) - 1));
        if (shape.max !== undefined) add('maxLength', 'maxLength', char.repeat(shape.max + 1));
        const regex = this.regexOf(name);
        if (regex) {
          const bad = [' ', '\t', '\u00e9', 'a\u0000', '\u{1f600}', ' a ', '\n'].find(
            (s) => !regex.test(s) && s.length >= (shape.min ?? 0) && s.length <= (shape.max ?? Infinity),
          );
          if (bad === undefined) throw new Error(`no string breaking the pattern of ${name}`);
          add('pattern', 'pattern', bad);
        }
        break;
      }
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        if (shape.min !== undefined) add('minimum', 'minimum', shape.min - 1);
        if (shape.max !== undefined) add('maximum', 'maximum', shape.max + 1);
        break;
      case 'list': {
        const item = this.minimal(shape.member?.shape ?? '');
        if ((shape.min ?? 0) > 0)
          add(
            'minItems',
            'minItems',
            Array.from({ length: (shape.min ?? 0) - 1 }, () => item),
          );
        if (shape.max !== undefined)
          add(
            'maxItems',
            'maxItems',
            Array.from({ length: shape.max + 1 }, () => item),
          );
        break;
      }
      case 'map': {
        const value = this.minimal(shape.value?.shape ?? '');
        const entries = (n: number): Record<string, unknown> =>
          Object.fromEntries(Array.from({ length: n }, (_, i) => [`${MAP_KEY}${i}`, value]));
        if ((shape.min ?? 0) > 0) add('minProperties', 'minProperties', entries((shape.min ?? 0) - 1));
        if (shape.max !== undefined) add('maxProperties', 'maxProperties', entries(shape.max + 1));
        break;
      }
      default:
        break;
    }
    return out;
  }
}

export function pointer(steps: Step[]): string {
  return steps
    .map((step) => {
      if ('member' in step) return `/${step.member}`;
      if ('item' in step) return '/0';
      return `/${step.key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    })
    .join('');
}

export function describePath(steps: Step[]): string {
  return steps.map((step) => ('member' in step ? `.${step.member}` : 'item' in step ? '[]' : '{}')).join('');
}
