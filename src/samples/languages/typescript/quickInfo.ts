/**
 * Type hovers: the compiler's quick info (what an editor shows on hover) for every identifier a reader sees
 * in a sample, as twoslash records it (`nodes` of type `hover`: display text, documentation, JSDoc tags),
 * computed in the same language-service pass that answers `^?` queries and cached with its results.
 */
import type ts from 'typescript';
import type { Sample, SampleHover } from '../../types.js';

type TS = typeof ts;

/** Longest quick info kept: a huge inferred type is cut (as editors do) rather than bloating every page. */
const maxText = 2000;
const maxDocs = 1000;

/**
 * Quick info for each identifier in one file of a sample, skipping lines the reader never sees (the code a
 * `continue` sample builds on, and the block's hidden lines: setup above `---cut---`, notation).
 */
export function identifierQuickInfo(tsApi: TS, service: ts.LanguageService, source: ts.SourceFile, sample: Sample, fileIndex: number): SampleHover[] {
  const file = sample.files[fileIndex]!;
  const hidden = (line: number) => file.origins[line] === undefined || sample.hiddenLines.has(file.firstBlockLine + line - file.preludeLineCount);
  const hovers: SampleHover[] = [];
  const visit = (node: ts.Node): void => {
    if (tsApi.isIdentifier(node) || tsApi.isPrivateIdentifier(node)) {
      const start = node.getStart(source);
      const { line, character } = source.getLineAndCharacterOfPosition(start);
      if (hidden(line)) return;
      const info = service.getQuickInfoAtPosition(source.fileName, start);
      if (!info?.displayParts?.length) return;
      const text = tsApi.displayPartsToString(info.displayParts);
      if (!text) return;
      const docs = tsApi.displayPartsToString(info.documentation ?? []);
      // A parameter's quick info repeats its own `@param` tag as its documentation (editors show it once).
      const tags = (info.kind === tsApi.ScriptElementKind.parameterElement ? [] : (info.tags ?? [])).map(
        (tag) => `@${tag.name}${tag.text?.length ? ` ${tsApi.displayPartsToString(tag.text)}` : ''}`,
      );
      const hover: SampleHover = { file: fileIndex, line, column: character, length: node.getEnd() - start, text: cut(text, maxText) };
      if (docs) hover.docs = cut(docs, maxDocs);
      if (tags.length > 0) hover.tags = tags.map((t) => cut(t, maxDocs));
      hovers.push(hover);
      return;
    }
    // JSDoc comments are not code a reader hovers over.
    if (node.kind >= tsApi.SyntaxKind.FirstJSDocNode && node.kind <= tsApi.SyntaxKind.LastJSDocNode) return;
    tsApi.forEachChild(node, visit);
  };
  visit(source);
  return hovers;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
