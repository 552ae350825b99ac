// Parses YAML as the yaml library's parseDocument does, refusing first a text nested deeper than any package is.
import { Composer, Parser, YAMLParseError, type CST, type Document, type LineCounter, type ParseOptions } from 'yaml';

/**
 * How deep maps and sequences may nest in a package file (a real one nests about six levels). The
 * library composes nodes recursively: near a thousand levels it overflows the stack, and a second
 * such document in the same process then crashed V8 itself ("RegExpCompiler Allocation failed"),
 * taking the server down. Its tokenizer is iterative, so the depth is measured on its tokens first.
 */
export const MAX_YAML_DEPTH = 64;

export type YamlParse =
  | { doc: Document.Parsed }
  /** Nested too deep: where the collection that opens level MAX_YAML_DEPTH + 1 starts. */
  | { tooDeep: { offset: number } };

export function parseYamlDocument(text: string, lineCounter: LineCounter, options: ParseOptions): YamlParse {
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const offset = tooDeepAt(tokens, MAX_YAML_DEPTH);
  if (offset !== undefined) return { tooDeep: { offset } };
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(options).compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; a package file is one document',
        ),
      );
      break;
    }
  }
  // compose(…, true) always ends with a document, empty text included.
  return { doc: doc! };
}

/** The offset of the first collection nested deeper than `max`, walking the tokens with a stack of its own. */
function tooDeepAt(tokens: CST.Token[], max: number): number | undefined {
  const stack: { token: CST.Token; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    switch (token.type) {
      case 'document':
        if (token.value) stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > max) return token.offset;
        for (const item of token.items as { key?: CST.Token | null; value?: CST.Token }[]) {
          if (item.key) stack.push({ token: item.key, depth: depth + 1 });
          if (item.value) stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
