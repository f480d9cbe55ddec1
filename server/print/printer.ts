import { Socket } from 'node:net';
import { AppError } from '../../common/errors.js';

/** How long a kiosk waits for its printer before saying so (a receipt is ~2 kB). */
export const PRINT_TIMEOUT_MS = 4000;

/**
 * Send raw bytes to a network receipt printer (the "RAW" / JetDirect port, normally TCP 9100)
 * and resolve once they are written and the connection is closed. Any failure — refused,
 * unreachable, timed out — becomes PRINTER_UNREACHABLE.
 */
export function sendToPrinter(host: string, port: number, data: Buffer, timeoutMs = PRINT_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new AppError('PRINTER_UNREACHABLE', { reason }));
    };
    socket.setTimeout(timeoutMs, () => fail('timeout'));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'error'));
    socket.connect(port, host, () => {
      socket.end(data, () => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve();
      });
    });
  });
}
