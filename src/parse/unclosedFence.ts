import type { Code, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

const openingFence = /^(`{3,}|~{3,})/;

/**
 * A fenced code block without its closing fence runs to the end of its container (in CommonMark, the end
 * of the chapter): everything after it silently becomes code. Warn at the opening fence, so the author
 * learns it from the build instead of from a reader.
 */
export function remarkUnclosedFences() {
  return (tree: Root, file: VFile) => {
    const source = String(file.value);
    visit(tree, 'code', (node: Code) => {
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      if (start === undefined || end === undefined) return;
      const opening = openingFence.exec(source.slice(start, start + 200));
      if (!opening) return; // an indented code block has no fences
      const fence = opening[1]!;
      const text = source.slice(start, end);
      const lastLine = text.slice(text.lastIndexOf('\n') + 1);
      const closing = /^[ \t>]*(`{3,}|~{3,})[ \t]*$/.exec(lastLine);
      const closed = text.includes('\n') && closing !== null && closing[1]![0] === fence[0] && closing[1]!.length >= fence.length;
      if (closed) return;
      const message = file.message(
        `This code block (${fence}) is never closed: everything after it${end >= source.trimEnd().length ? ' to the end of the chapter' : ''} is shown as code`,
        {
          place: node.position!.start,
          ruleId: 'unclosed-fence',
          source: 'chapter',
        },
      );
      message.fatal = false;
      (message as { data?: unknown }).data = { hint: `Close the block with a line of ${fence} after its last line of code.` };
    });
  };
}
