import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/**
 * The latency bench's baseline: a bare socket.io server in its own process, no database, no
 * domain. A client emits `ping`; the server broadcasts the recorded public snapshot to the public
 * room and the recorded staff snapshot to the staff room, then acks — what Madoguchi does after a
 * call, minus the command, the fsync and building the snapshots.
 * Env: PORT, PUBLIC_JSON, STAFF_JSON (files with one snapshot each).
 */
const pub = JSON.parse(readFileSync(process.env.PUBLIC_JSON!, 'utf8')) as Record<string, unknown>;
const staff = JSON.parse(readFileSync(process.env.STAFF_JSON!, 'utf8')) as Record<string, unknown>;
const http = createServer((_req, res) => res.end('ok'));
const io = new Server(http, { serveClient: false });
let version = 0;
io.on('connection', (socket) => {
  const room = (socket.handshake.auth as { room?: string }).room === 'staff' ? 'staff' : 'public';
  void socket.join(room);
  socket.on('ping', (_payload: unknown, ack: unknown) => {
    version++;
    if (typeof ack === 'function') (ack as (r: unknown) => void)({ data: { version } });
    setImmediate(() => {
      io.to('public').emit('office:snapshot', { ...pub, version });
      io.to('staff').emit('office:snapshot', { ...staff, version });
    });
  });
});
http.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
