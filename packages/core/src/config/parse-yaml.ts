import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  Parser,
  visit,
} from 'yaml';
import type { Problem } from '../errors.js';
import { formatPath } from '../errors.js';
import { capped } from './messages.js';

/** Deepest nesting of mappings and lists stack.yaml may have (its own keys go 6 deep; `values` overrides deeper). */
export const MAX_DEPTH = 64;
/** How many nodes aliases may expand to in all (YAML's "billion laughs" guard). */
export const MAX_ALIAS_NODES = 100;

/** A YAML config parsed into plain data, with what it takes to point a message at its line. */
export interface ParsedYaml {
  /** The plain data (`{}` for an empty document, `---` alone or only comments). */
  readonly data: unknown;
  /** Where a key path is written, if it is (the key for `key: true`, else the value). */
  readonly locate: (path: readonly PropertyKey[], at?: 'key' | 'value') => Location | undefined;
}

/** A place in the file, 1-based, with the text written there. */
export interface Location {
  readonly line: number;
  readonly column: number;
  /** The node's source text as written (e.g. `0.70` for what YAML read as the number 0.7). */
  readonly text: string;
}

/** Hints for the YAML errors people make most. */
const SYNTAX_HINTS: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, never tabs',
  BAD_INDENT: 'check the indentation: keys of one mapping start in the same column',
  MISSING_CHAR: 'a bracket or quote is not closed',
  BLOCK_AS_IMPLICIT_KEY: 'a key must fit on one line; is a ":" or a "-" missing?',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; is a ":" missing, or a value not indented?',
  UNEXPECTED_TOKEN: 'quote values that contain ":", "#", "[", "{" or start with "*", "&", "!", "%", "@"',
};

/**
 * Parses YAML text that must hold one mapping, refusing (as {@link Problem}s with line and column) what would crash,
 * hang or silently change it: syntax errors, several documents, nesting beyond {@link MAX_DEPTH}, undefined aliases
 * and alias bombs, duplicate keys (both lines named; checked in linear time), unknown tags. Never throws anything but
 * the problems it returns.
 */
export function parseYaml(text: string): { problems: Problem[]; parsed?: ParsedYaml } {
  const lines = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  // Depth first: composing a deeper document recurses past the call stack, and the parser slows down on deep flow
  // collections, so those are caught by the (fast, flat) lexer before the parser sees them.
  const deepFlow = firstTooDeepFlow(text);
  const tokens = deepFlow === undefined ? [...new Parser(lines.addNewLine).parse(text)] : [];
  if (deepFlow !== undefined)
    for (const m of text.slice(0, deepFlow).matchAll(/\n/g)) lines.addNewLine((m.index ?? 0) + 1);
  const deep = deepFlow ?? firstTooDeep(tokens);
  if (deep !== undefined) {
    return {
      problems: [
        {
          path: '(root)',
          message: `nests mappings and lists more than ${MAX_DEPTH} levels deep; stack.yaml needs a few levels, so this is most likely a broken file`,
          ...at(deep),
        },
      ],
    };
  }
  const docs = [
    ...new Composer({ uniqueKeys: false, prettyErrors: false }).compose(tokens, true, text.length),
  ];
  const [doc, second] = docs;
  if (!doc) return { problems: [], parsed: { data: {}, locate: () => undefined } };
  if (second) {
    return {
      problems: [
        {
          path: '(root)',
          message: `holds ${docs.length} YAML documents (a "---" line starts another); a config is one document: remove the "---" line and merge what follows, or delete it`,
          ...at(second.range[0]),
        },
      ],
    };
  }
  const syntax = [...doc.errors, ...doc.warnings].map((e): Problem => {
    const hint = SYNTAX_HINTS[e.code];
    const what =
      e.code === 'TAG_RESOLVE_FAILED'
        ? `a YAML tag (${/!\S*/.exec(text.slice(e.pos[0], e.pos[1]))?.[0] ?? '!...'}) stack.yaml does not use; write the plain value`
        : e.message.split('\n')[0]?.replace(/\.$/, '');
    return {
      path: '(root)',
      message: `YAML syntax error: ${what}${hint ? ` (${hint})` : ''}`,
      ...at(e.pos[0]),
    };
  });
  // One error per line: the parser often reports a single slip twice, in two wordings.
  const seenLines = new Set<number | undefined>();
  const firstPerLine = syntax.filter((p) => !seenLines.has(p.line) && seenLines.add(p.line));
  if (firstPerLine.length) return { problems: capped(firstPerLine) };

  const locate = locator(doc, text, at);
  const problems = [...duplicateKeys(doc, at), ...badAliases(doc, at)];
  if (problems.length) return { problems };
  let data: unknown;
  try {
    data = doc.contents === null ? {} : doc.toJS({ maxAliasCount: MAX_ALIAS_NODES });
  } catch {
    const alias = firstAlias(doc);
    return {
      problems: [
        {
          path: '(root)',
          message: `its aliases (*name) expand to more than ${MAX_ALIAS_NODES} values, the mark of an alias bomb; write the values out instead of nesting aliases`,
          ...(alias?.range ? at(alias.range[0]) : {}),
        },
      ],
    };
  }
  if (data === null || data === undefined) data = {};
  return { problems: [], parsed: { data, locate } };
}

/** The lexer's own marks (document start, flow error end, scalar start): they take no room in the source. */
const LEXER_MARKS = ['\x02', '\x18', '\x1f'];
const SCALAR_MARK = '\x1f';

/** The offset of the first `[` or `{` nested deeper than {@link MAX_DEPTH} flow collections, from the lexer alone. */
function firstTooDeepFlow(text: string): number | undefined {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > MAX_DEPTH) return offset;
    } else if (token === ']' || token === '}') depth = Math.max(0, depth - 1);
    if (LEXER_MARKS.includes(token)) {
      if (token !== SCALAR_MARK) depth = 0; // a document starts, or a flow collection was cut off
    } else offset += token.length;
  }
  return undefined;
}

/** The offset of the first collection nested deeper than {@link MAX_DEPTH}, walking the CST without recursion. */
function firstTooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop() as [CST.Token, number];
    const push = (t: CST.Token | null | undefined, d: number) => {
      if (t) stack.push([t, d]);
    };
    switch (token.type) {
      case 'document':
        push(token.value, depth);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        if (depth + 1 > MAX_DEPTH) return token.offset;
        for (const item of token.items) {
          push(item.key, depth + 1);
          push(item.value, depth + 1);
        }
        break;
      default:
    }
  }
  return undefined;
}

type At = (offset: number) => { line: number; column: number };

/** Duplicate keys in every mapping, each named with both lines: one pass, a Map per mapping. */
function duplicateKeys(doc: Document.Parsed, at: At): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Map(_, map, ancestors) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        const first = seen.get(name);
        if (!first) {
          seen.set(name, pair.key);
          continue;
        }
        const here = at(pair.key.range?.[0] ?? 0);
        problems.push({
          path: formatPath([...pathOf(ancestors, map), name]),
          message: `is written twice, at line ${at(first.range?.[0] ?? 0).line} and at line ${here.line}; YAML keeps only one, so delete the one you do not mean`,
          ...here,
        });
      }
    },
  });
  return problems;
}

/** Aliases naming no anchor defined before them (YAML resolves only backwards). */
function badAliases(doc: Document.Parsed, at: At): Problem[] {
  const anchors = new Set<string>();
  const problems: Problem[] = [];
  visit(doc, {
    Node(_, node, ancestors) {
      if (node.anchor) anchors.add(node.anchor);
      if (isAlias(node) && !anchors.has(node.source)) {
        problems.push({
          path: formatPath(pathOf(ancestors, node)),
          message: `uses the alias *${node.source}, but no "&${node.source}" anchor comes before it; define the anchor first or write the value out`,
          ...at(node.range?.[0] ?? 0),
        });
      }
    },
  });
  return problems;
}

function firstAlias(doc: Document.Parsed): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** The key path of a node from its ancestors (as `visit` gives them). */
function pathOf(ancestors: readonly unknown[], node: unknown): PropertyKey[] {
  const chain = [...ancestors, node];
  const path: PropertyKey[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent) && child === parent.value)
      path.push(isScalar(parent.key) ? String(parent.key.value) : '?');
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
  }
  return path;
}

/** Finds where a key path is written: the key itself, or its value. */
function locator(doc: Document.Parsed, text: string, at: At): ParsedYaml['locate'] {
  return (path, where = 'value') => {
    let node: unknown = doc.contents;
    let key: Node | undefined;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return undefined;
        key = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number') {
        key = undefined;
        node = node.items[step];
      } else return undefined;
    }
    const value = isScalar(node) || isCollection(node) || isAlias(node) ? (node as Node) : undefined;
    const target = where === 'key' ? (key ?? value) : (value ?? key);
    const range = target?.range;
    if (!range) return undefined;
    return { ...at(range[0]), text: isScalar(target) ? text.slice(range[0], range[1]).trim() : '' };
  };
}
