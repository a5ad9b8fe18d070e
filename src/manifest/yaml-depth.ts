/**
 * A depth bound for YAML text from the lexer alone. yaml's parser and composer recurse once per nesting level and
 * take seconds and hundreds of MB on a megabyte of `[[[[` or `- - - -`; the lexer is linear and flat, so the depth
 * is known before they run.
 */
import { Lexer } from 'yaml';

// Lexer markers that carry no source text.
const ZERO_WIDTH = new Set(['\x02', '\x18', '\x1f']);

/**
 * Offset of the first token nested deeper than `maxDepth` (undefined when none is). Block nesting is tracked with
 * an indentation stack (a sequence may sit at its parent key's column), flow nesting by counting brackets.
 * `lexemes`, when given, receives every lexeme, so the caller can parse without lexing again.
 */
export function scanNesting(text: string, maxDepth: number, lexemes?: string[]): number | undefined {
  const lexer = new Lexer();
  let offset = 0;
  let lineStart = 0;
  let flow = 0;
  const blocks: Array<{ column: number; kind: 'map' | 'seq' }> = [];
  let nodeColumn: number | undefined;
  let nodeOffset = 0;
  const openBlock = (column: number, kind: 'map' | 'seq'): boolean => {
    for (;;) {
      const top = blocks[blocks.length - 1];
      if (top === undefined || top.column < column) break;
      if (top.column === column && top.kind === 'map' && kind === 'seq') break;
      blocks.pop();
    }
    blocks.push({ column, kind });
    return blocks.length + flow > maxDepth;
  };
  for (const lexeme of lexer.lex(text)) {
    lexemes?.push(lexeme);
    if (ZERO_WIDTH.has(lexeme)) {
      if (lexeme === '\x02') {
        blocks.length = 0;
        flow = 0;
      }
      continue;
    }
    const start = offset;
    offset += lexeme.length;
    const column = start - lineStart;
    if (lexeme === '\n' || lexeme === '\r\n') {
      lineStart = offset;
      nodeColumn = undefined;
      continue;
    }
    // Block and multi-line scalars carry their newlines inside one lexeme; later columns count from the last one.
    const lastNewline = lexeme.lastIndexOf('\n');
    if (lastNewline >= 0) lineStart = start + lastNewline + 1;
    const first = lexeme[0];
    if (lexeme === '[' || lexeme === '{') {
      flow++;
      if (blocks.length + flow > maxDepth) return start;
      if (nodeColumn === undefined) {
        nodeColumn = column;
        nodeOffset = start;
      }
      continue;
    }
    if (lexeme === ']' || lexeme === '}') {
      flow = Math.max(0, flow - 1);
      continue;
    }
    if (flow > 0 || first === ' ' || first === '\t' || first === '#' || lexeme === ',') continue;
    if (lexeme === '---' || lexeme === '...') {
      blocks.length = 0;
      continue;
    }
    if (lexeme === '-') {
      if (openBlock(column, 'seq')) return start;
      nodeColumn = undefined;
    } else if (lexeme === '?') {
      if (openBlock(column, 'map')) return start;
      nodeColumn = undefined;
    } else if (lexeme === ':') {
      if (openBlock(nodeColumn ?? column, 'map')) return nodeColumn === undefined ? start : nodeOffset;
      nodeColumn = undefined;
    } else if (nodeColumn === undefined) {
      nodeColumn = column;
      nodeOffset = start;
    }
  }
  return undefined;
}
