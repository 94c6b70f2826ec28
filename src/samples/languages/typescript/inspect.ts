/**
 * Questions about a checked sample that need the type checker: which browser-only globals it uses at run
 * time, and whether literate-ts `// type is T` assertions hold.
 */
import type ts from 'typescript';
import { typeMatches } from '../../expectations.js';
import type { Sample, SampleProblem } from '../../types.js';

type TS = typeof ts;

const domLib = /[\\/]lib\.(dom|dom\.iterable|dom\.asynciterable|webworker[\w.]*)\.d\.ts$/;

/**
 * Names of globals the sample uses as values (not only as types) that only the DOM declares:
 * `document`, `window`, `HTMLElement` in `instanceof`. Globals Node has too (`console`, `fetch`, `URL`)
 * have declarations in @types/node as well, so they do not count.
 */
export function domOnlyGlobals(tsApi: TS, program: ts.Program, source: ts.SourceFile): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (tsApi.isTypeNode(node) || tsApi.isInterfaceDeclaration(node) || tsApi.isTypeAliasDeclaration(node)) return;
    if (tsApi.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName = parent && tsApi.isPropertyAccessExpression(parent) && parent.name === node;
      if (!isMemberName) {
        const symbol = checker.getSymbolAtLocation(node);
        const declarations = symbol?.declarations ?? [];
        if (declarations.length > 0 && declarations.every((d) => domLib.test(d.getSourceFile().fileName))) found.push(node.text);
      }
      return;
    }
    tsApi.forEachChild(node, visit);
  };
  // Ambient code (`declare const el: HTMLElement`) never runs.
  for (const statement of source.statements) {
    const modifiers = tsApi.canHaveModifiers(statement) ? tsApi.getModifiers(statement) : undefined;
    if (modifiers?.some((m) => m.kind === tsApi.SyntaxKind.DeclareKeyword)) continue;
    visit(statement);
  }
  return found;
}

/**
 * literate-ts's `// type is T`: the type of the first identifier, property access or call of the first
 * node that ends on the asserted line, printed by the checker, must be T (`...` elides text).
 */
export function typeAssertionProblems(tsApi: TS, program: ts.Program, sample: Sample, sourceOf: (file: number) => ts.SourceFile | undefined): SampleProblem[] {
  const checker = program.getTypeChecker();
  const problems: SampleProblem[] = [];
  for (const assertion of sample.typeAssertions) {
    const source = sourceOf(assertion.file);
    if (!source) continue;
    const node = firstNodeEndingOn(tsApi, source, assertion.targetLine);
    if (!node) {
      problems.push({
        file: assertion.file,
        line: assertion.line,
        column: 0,
        message: `"// type is ${assertion.expected}" is not under or after an expression`,
        ruleId: 'samples/type-assertion',
      });
      continue;
    }
    const target = nodeForType(tsApi, node);
    const actual = checker.typeToString(checker.getTypeAtLocation(target), target);
    if (!typeMatches(actual, assertion.expected)) {
      const column = source.getLineAndCharacterOfPosition(target.getStart(source)).character;
      problems.push({
        file: assertion.file,
        line: assertion.targetLine,
        column,
        message: `type of \`${target.getText(source)}\` is "${actual}", but the comment says "${assertion.expected}"`,
        ruleId: 'samples/type-assertion',
      });
    }
  }
  return problems;
}

function firstNodeEndingOn(tsApi: TS, source: ts.SourceFile, line: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (node.kind !== tsApi.SyntaxKind.SourceFile && node.kind !== tsApi.SyntaxKind.Block && source.getLineAndCharacterOfPosition(node.getEnd()).line === line) {
      found = node;
      return;
    }
    tsApi.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** For `const x = 12` the type of `x`; for an expression statement, the expression's first identifier, access or call. */
function nodeForType(tsApi: TS, node: ts.Node): ts.Node {
  const find = (n: ts.Node): ts.Node | undefined => {
    if (tsApi.isIdentifier(n) || tsApi.isPropertyAccessExpression(n) || tsApi.isCallExpression(n)) return n;
    return tsApi.forEachChild(n, find);
  };
  return find(node) ?? node;
}
