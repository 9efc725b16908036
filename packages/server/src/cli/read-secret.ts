/** Reads the first line of standard input (a password piped in), without the line ending. */
export async function readSecret(stdin: NodeJS.ReadableStream, maxBytes = 4096): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n') || text.length > maxBytes) break;
  }
  return (text.split(/\r?\n/, 1)[0] ?? '').slice(0, maxBytes);
}
