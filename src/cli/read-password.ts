import { CliError } from './cli-error.js';

/**
 * The password: typed at a prompt without echo (twice) on a terminal, or the first line of stdin otherwise, so it
 * never appears in argv, the shell history or `ps`.
 */
export async function readPassword(
  stdin: NodeJS.ReadStream = process.stdin,
  out: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    const first = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
    if (!first) throw new CliError('no password on stdin (give it as the first line)');
    return first;
  }
  const once = await prompt('Password: ', stdin, out);
  const again = await prompt('Repeat password: ', stdin, out);
  if (once !== again) throw new CliError('the two passwords differ');
  return once;
}

function prompt(question: string, stdin: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<string> {
  out.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      out.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new CliError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
