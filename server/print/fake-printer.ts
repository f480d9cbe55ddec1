import { createServer, type Server } from 'node:net';

/** Test helper — a fake network printer: a TCP listener on port 0 that records what each connection sent. */
export async function fakePrinter(): Promise<{ port: number; jobs: Buffer[]; nextJob: () => Promise<Buffer>; close: () => Promise<void> }> {
  const jobs: Buffer[] = [];
  const waiters: ((b: Buffer) => void)[] = [];
  const server: Server = createServer((sock) => {
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => {
      const job = Buffer.concat(chunks);
      jobs.push(job);
      waiters.shift()?.(job);
      sock.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    jobs,
    nextJob: () => new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error('no print job arrived')), 5000);
      waiters.push((b) => { clearTimeout(t); res(b); });
    }),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

