/**
 * Reading a secret from a person or a pipe. On a TTY the characters are not echoed; from a pipe the whole
 * input is the value (one trailing newline dropped), so `printf %s "$TOKEN" | strongbox ...` works.
 */
import type { ReadStream } from 'node:tty';

export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'PromptCancelled';
  }
}

/** Prompts on stderr (stdout may be redirected) and reads one line without echo. */
export function promptHidden(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  const tty = input as ReadStream;
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = tty.isRaw;
    // Raw mode first, prompt second: input typed (or pasted) right after the prompt appears is never echoed.
    tty.setRawMode(true);
    output.write(question);
    input.resume();
    input.setEncoding('utf8');
    const finish = (err?: Error) => {
      input.removeListener('data', onData);
      tty.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new PromptCancelled());
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** Reads all of a non-TTY stdin. */
export async function readAllInput(input: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function stdinIsTty(): boolean {
  return Boolean(process.stdin.isTTY);
}
