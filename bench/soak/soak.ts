import { join } from 'node:path';
import type { CommandResult, Reply } from '../../common/events.js';
import type { IssuedTicket, PublicSnapshot, StaffSnapshot } from '../../common/types.js';
import { mulberry32 } from '../../server/sim/random.js';
import { openDatabase } from '../../server/store/db.js';
import { connectSocket, freePort, login, type ServerProcess, type TestSocket } from '../../server/testing.js';
import { prepareDb, sleep, tempDir, type Prepared } from '../lib.js';
import { checkStore, type Acked } from './invariants.js';
import { SoakServers } from './server.js';

/**
 * A simulated busy day at high speed against a real server process on a temp database: kiosks
 * issue over HTTP, clerks work their counters over socket.io, displays and phones watch. The
 * server is killed with SIGKILL at random moments and restarted; disconnect storms drop every
 * client at once. A client-side ledger keeps every acknowledged reply, and after each restart the
 * rules are checked against the database and every screen.
 */
export interface SoakOptions {
  kills?: number;
  /** Load between kills, ms (random in the range). */
  loadMs?: [number, number];
  kiosks?: number;
  counters?: number;
  displays?: number;
  phones?: number;
  /** Probability of a disconnect storm during each round's load (one more always runs at the end). */
  stormChance?: number;
  seed?: number;
  log?: (line: string) => void;
  /** Run the compiled server (`node dist/soak/server/main.js`) instead of `tsx server/main.ts`: faster restarts. */
  compiled?: boolean;
  /** Extra environment for the server process (e.g. raised socket limits). */
  serverEnv?: Record<string, string>;
  /** Called after every kill's checks with the figures so far (the long run saves them, so an interrupted batch keeps its kills). */
  onProgress?: (partial: SoakSummary) => void;
  /** Kiosks wait while more than this many steps are waiting (keeps the queue, and every snapshot, bounded in a long run). */
  maxWaiting?: number;
}

export interface SoakSummary {
  operations: number;
  acknowledged: number;
  refused: number;
  unknown: number;
  retriedAfterCrash: number;
  kills: number;
  storms: number;
  invariantsChecked: number;
  ticketsAcknowledged: number;
  /** Acknowledged commands or tickets missing from disk after a restart (distinct; rule 2). */
  lost: number;
  /** Numbers issued twice (distinct business day + number; rule 1), seen by a client or on disk. */
  duplicates: number;
  /** HTTP answers ≥ 500 and socket replies INTERNAL. */
  serverErrors: number;
  /** Sockets the server closed (e.g. an event budget or output cap); each is reconnected. */
  serverDisconnects: number;
  /** Phone look-ups of a ticket's public status (GET /api/public/tickets/:token). */
  phoneLookups: number;
  violations: string[];
}

/** Seeded PRNG, so a failing run can be repeated with its seed. */
const rng = mulberry32;

type Snap = PublicSnapshot | StaffSnapshot;
type Client = TestSocket & { snapshots: Snap[] };

/** What a screen shows, for comparing a client's last snapshot with the server's. */
function screen(s: Snap): string {
  return JSON.stringify({
    version: s.version,
    services: s.services.map((x) => [x.id, x.waiting]),
    counters: s.counters.map((c) => [c.id, c.state, c.current?.display ?? null, c.current?.state ?? null]),
    calls: s.recentCalls.map((c) => [c.callId, c.display, c.counterId]),
    ...(s.kind === 'staff' ? { waiting: s.waiting.map((w) => w.id), held: s.held.map((h) => h.id) } : {}),
  });
}

export async function runSoak(opts: SoakOptions = {}): Promise<SoakSummary> {
  const seed = opts.seed ?? Date.now() % 1_000_000;
  const rand = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const log = opts.log ?? (() => {});
  const kills = opts.kills ?? 5;
  const [loadMin, loadMax] = opts.loadMs ?? [400, 1500];
  const sum: SoakSummary = {
    operations: 0, acknowledged: 0, refused: 0, unknown: 0, retriedAfterCrash: 0, kills: 0, storms: 0, invariantsChecked: 0, ticketsAcknowledged: 0,
    lost: 0, duplicates: 0, serverErrors: 0, serverDisconnects: 0, phoneLookups: 0, violations: [],
  };
  const lostSeen = new Set<string>();
  const dupSeen = new Set<string>();
  const violation = (s: string) => {
    log(`VIOLATION: ${s}`);
    if (sum.violations.length < 100) sum.violations.push(s);
  };
  const check = (ok: boolean, what: string) => {
    sum.invariantsChecked++;
    if (!ok) violation(what);
  };

  const { dir, cleanup } = tempDir('soak');
  const dbPath = join(dir, 'soak.db');
  const prep: Prepared = await prepareDb(dbPath, { counters: opts.counters ?? 6, kiosks: opts.kiosks ?? 3, displays: opts.displays ?? 2 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const servers = new SoakServers({ dbPath, port, timeoutMs: 120_000, compiled: opts.compiled, env: opts.serverEnv });
  const spawn = () => servers.start();
  let server: ServerProcess | null = await spawn();
  log(`soak: seed ${seed}, server ${url}, db ${dbPath}`);

  const acked: Acked[] = [];
  const tickets = new Map<string, IssuedTicket>(); // ticket id → as the kiosk was told
  const byNumber = new Map<string, string>(); // day|prefix|number → ticket id
  const kioskRetry: { token: string; commandId: string; serviceId: string }[] = [];
  let paused = false;
  let stopped = false;
  let inflight = 0;
  const services = [...new Set([...prep.counterServices.values()].flat())];
  const maxWaiting = opts.maxWaiting ?? Infinity;
  let waitingNow = () => 0; // set once the phones are connected: the waiting count a phone shows

  const recordTicket = (t: IssuedTicket) => {
    if (tickets.has(t.ticketId)) return;
    tickets.set(t.ticketId, t);
    sum.ticketsAcknowledged++;
    const m = /^(.*)-0*(\d+)$/.exec(t.display);
    const key = m ? `${t.businessDay}|${m[1]}|${Number(m[2])}` : `${t.businessDay}|${t.display}`;
    const other = byNumber.get(key);
    if (other && other !== t.ticketId) {
      if (!dupSeen.has(key)) sum.duplicates = dupSeen.add(key).size;
      violation(`number ${t.display} on ${t.businessDay} acknowledged for two tickets (${other}, ${t.ticketId})`);
    }
    byNumber.set(key, t.ticketId);
  };

  // ---- kiosks (HTTP) ----
  const postIssue = async (token: string, commandId: string, serviceId: string): Promise<{ status: number; body: Reply<CommandResult> }> => {
    const res = await fetch(`${url}/api/offices/chuo/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ commandId, serviceId }),
      signal: AbortSignal.timeout(3000),
    });
    return { status: res.status, body: (await res.json()) as Reply<CommandResult> };
  };

  const issue = async (token: string, commandId: string, serviceId: string): Promise<'ok' | 'refused' | 'unknown'> => {
    sum.operations++;
    inflight++;
    try {
      const { status, body } = await postIssue(token, commandId, serviceId);
      if (status >= 500) {
        sum.serverErrors++;
        violation(`kiosk issue → ${status} ${JSON.stringify(body)}`);
        return 'refused';
      }
      if (status !== 200 || !('data' in body)) {
        sum.refused++;
        return 'refused';
      }
      sum.acknowledged++;
      acked.push({ name: 'ticket:issue', commandId, result: body.data });
      recordTicket(body.data.ticket as IssuedTicket);
      return 'ok';
    } catch {
      sum.unknown++;
      return 'unknown';
    } finally {
      inflight--;
    }
  };

  const kioskLoop = async (token: string) => {
    let n = 0;
    while (!stopped) {
      if (paused || waitingNow() > maxWaiting) {
        await sleep(20);
        continue;
      }
      const commandId = `soak-k-${token.slice(0, 6)}-${++n}-${Math.floor(rand() * 1e9)}`;
      const serviceId = pick(services);
      const r = await issue(token, commandId, serviceId);
      if (r === 'unknown') {
        kioskRetry.push({ token, commandId, serviceId }); // retried with the same id after the restart (rule 4)
        await sleep(50);
      } else if (r === 'ok' && rand() < 0.1) {
        // A double press: the same command id again must give the same ticket.
        const first = acked.at(-1)!;
        sum.operations++;
        try {
          const { status, body } = await postIssue(token, commandId, serviceId);
          if (status >= 500) {
            sum.serverErrors++;
            violation(`kiosk retry → ${status}`);
          }
          else if ('data' in body) {
            sum.acknowledged++;
            check(body.data.ticketId === first.result.ticketId && body.data.replayed === true, `retried command ${commandId} gave ${body.data.ticketId}, first ${first.result.ticketId}`);
          }
        } catch {
          sum.unknown++;
        }
      }
      await sleep(Math.floor(rand() * 15));
    }
  };

  // ---- sockets: clerks, displays, phones ----
  const emit = async (s: Client, name: string, payload: Record<string, unknown>): Promise<Reply<CommandResult> | null> => {
    sum.operations++;
    inflight++;
    try {
      return await new Promise<Reply<CommandResult> | null>((resolve) => {
        // No answer in 3 s, or the connection drops first (a kill): the outcome is unknown.
        const done = (r: Reply<CommandResult> | null) => {
          clearTimeout(timer);
          s.off('disconnect', dropped);
          resolve(r);
        };
        const dropped = () => done(null);
        const timer = setTimeout(dropped, 3000);
        s.once('disconnect', dropped);
        (s.emit as unknown as (ev: string, p: unknown, ack: (r: Reply<CommandResult>) => void) => void)(name, payload, done);
      });
    } finally {
      inflight--;
    }
  };

  const cookies = await Promise.all(prep.clerks.map((c) => login(url, c)));
  // A socket the server closes (event budget, output cap …) does not reconnect by itself: count it and reconnect.
  const reconnectWhenDropped = (s: Client) => {
    s.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect' || stopped) return;
      sum.serverDisconnects++;
      setTimeout(() => !stopped && s.connect(), 100);
    });
    return s;
  };
  const subscribeOnConnect = (s: Client) => {
    s.on('connect', () => {
      (s.emit as unknown as (ev: string, p: unknown, ack: () => void) => void)('office:subscribe', { officeId: 'chuo' }, () => {});
    });
    return s;
  };
  const clerks = cookies.map((cookie) => subscribeOnConnect(connectSocket(url, { cookie }) as Client));
  const displays = prep.displayTokens.map((t) => connectSocket(url, { deviceToken: t }) as Client); // devices are subscribed by the server
  const phones = Array.from({ length: opts.phones ?? 10 }, () => subscribeOnConnect(connectSocket(url) as Client));
  const everyone = [...clerks, ...displays, ...phones];
  everyone.forEach(reconnectWhenDropped);
  waitingNow = () => {
    const snap = phones[0]?.snapshots.at(-1) ?? displays[0]?.snapshots.at(-1);
    return snap ? snap.services.reduce((a, x) => a + x.waiting, 0) : 0;
  };

  // Phones that scanned a ticket's QR code look up "N ahead, about M minutes" now and then.
  const phoneLoop = async () => {
    while (!stopped) {
      await sleep(50 + Math.floor(rand() * 100));
      if (paused || tickets.size === 0) continue;
      const t = [...tickets.values()][Math.floor(rand() * tickets.size)]!;
      sum.operations++;
      inflight++;
      try {
        const res = await fetch(`${url}/api/public/tickets/${t.token}`, { signal: AbortSignal.timeout(3000) });
        await res.arrayBuffer();
        if (res.status >= 500) {
          sum.serverErrors++;
          violation(`phone ticket status → ${res.status}`);
        } else sum.phoneLookups++;
      } catch {
        /* the server is down between a kill and its restart */
      } finally {
        inflight--;
      }
    }
  };

  const clerkLoop = async (i: number) => {
    const s = clerks[i]!;
    const counterId = prep.counters[i]!;
    let n = 0;
    while (!stopped) {
      if (paused || !s.connected) {
        await sleep(20);
        continue;
      }
      const snap = s.snapshots.at(-1) as StaffSnapshot | undefined;
      if (!snap || snap.kind !== 'staff') {
        await sleep(20);
        continue;
      }
      const c = snap.counters.find((x) => x.id === counterId)!;
      const cur = c.currentStep;
      const r = rand();
      let name: string;
      const extra: Record<string, unknown> = {};
      if (c.state === 'closed') name = 'counter:open';
      else if (c.state === 'paused') name = 'counter:resume';
      else if (!cur) {
        if (snap.held.length && r < 0.15) {
          name = 'step:resume';
          extra.stepId = pick(snap.held).id;
        } else if (r < 0.03) name = 'counter:pause';
        else name = 'counter:call-next';
      } else if (cur.state === 'called') {
        name = r < 0.7 ? 'counter:start' : r < 0.85 ? 'counter:recall' : r < 0.95 ? 'counter:no-show' : 'counter:hold';
      } else {
        name = r < 0.85 ? 'counter:done' : r < 0.95 ? 'counter:transfer' : 'counter:hold';
        if (name === 'counter:transfer') extra.serviceId = pick(services.filter((x) => x !== cur.serviceId));
      }
      const payload = name === 'step:resume' ? { commandId: `soak-c${i}-${++n}-${Math.floor(rand() * 1e9)}`, ...extra } : { commandId: `soak-c${i}-${++n}-${Math.floor(rand() * 1e9)}`, counterId, ...extra };
      const version = snap.version;
      const reply = await emit(s, name, payload);
      if (!reply) sum.unknown++;
      else if ('error' in reply) {
        if (reply.error.code === 'INTERNAL') {
          sum.serverErrors++;
          violation(`${name} → INTERNAL`);
        }
        sum.refused++;
        if (reply.error.code === 'NO_TICKET_WAITING') await sleep(30);
      } else {
        sum.acknowledged++;
        acked.push({ name, commandId: payload.commandId, result: reply.data });
      }
      // Wait for the snapshot after our change (or a short while), so the next choice is informed.
      if (reply && 'data' in reply && reply.data.version > version) {
        const deadline = Date.now() + 300;
        while (!stopped && Date.now() < deadline && (s.snapshots.at(-1)?.version ?? 0) < reply.data.version) await sleep(5);
      }
      await sleep(Math.floor(rand() * 20));
    }
  };

  // ---- invariants ----
  const serverVersion = async (): Promise<PublicSnapshot> => {
    const res = await fetch(`${url}/api/public/offices/chuo/status`);
    return ((await res.json()) as { data: PublicSnapshot }).data;
  };

  const checkAll = async (when: string) => {
    // Every screen resynced: same version and the same content as the server's current snapshot.
    const pub = await serverVersion();
    const staffRes = await fetch(`${url}/api/offices/chuo/snapshot`, { headers: { Cookie: cookies[0]! } });
    const staff = ((await staffRes.json()) as { data: StaffSnapshot }).data;
    // Staff and public snapshots may number their versions differently (the public one per office).
    const expected = (c: Client) => (c.snapshots.at(-1)?.kind === 'staff' ? staff.version : pub.version);
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !everyone.every((c) => c.connected && c.snapshots.at(-1)?.version === expected(c))) await sleep(20);
    for (const [i, c] of everyone.entries()) {
      const last = c.snapshots.at(-1);
      check(!!last && last.version === expected(c), `${when}: client ${i} (${i < clerks.length ? 'clerk' : i < clerks.length + displays.length ? 'display' : 'phone'}, ${c.connected ? 'connected' : 'not connected'}) at version ${last?.version} but the server is at ${expected(c)}`);
      if (last) check(screen(last) === screen(last.kind === 'staff' ? staff : pub), `${when}: client ${i} shows a different state than the server`);
    }
    const db = openDatabase(dbPath);
    try {
      const counted = () => void sum.invariantsChecked++;
      for (const v of checkStore(db, { acked, tickets: [...tickets.values()] }, pub, counted)) {
        if (/^acknowledged .* (lost|not on disk)$/.test(v)) sum.lost = lostSeen.add(v).size;
        const dup = /^numbers issued twice: (.*)$/.exec(v);
        if (dup) for (const d of JSON.parse(dup[1]!) as { business_day: string; prefix: string; number: number }[]) sum.duplicates = dupSeen.add(`${d.business_day}|${d.prefix}|${d.number}`).size;
        violation(`${when}: ${v}`);
      }
    } finally {
      db.close();
    }
  };

  const quiesce = async () => {
    paused = true;
    const deadline = Date.now() + 10_000;
    while (inflight > 0 && Date.now() < deadline) await sleep(10);
  };

  const storm = async () => {
    sum.storms++;
    for (const c of everyone) c.disconnect();
    await sleep(Math.floor(rand() * 100));
    for (const c of everyone) c.connect();
  };

  const loops: Promise<void>[] = [];
  try {
    await sleep(300);
    await checkAll('start');
    loops.push(...prep.kioskTokens.map((t) => kioskLoop(t)), ...clerks.map((_, i) => clerkLoop(i)), phoneLoop(), phoneLoop());
    for (let round = 1; round <= kills; round++) {
      paused = false;
      const loadMs = loadMin + Math.floor(rand() * (loadMax - loadMin));
      const stormAt = rand() < (opts.stormChance ?? 0.3) ? Math.floor(rand() * loadMs) : -1;
      if (stormAt >= 0) {
        await sleep(stormAt);
        await storm();
        await sleep(loadMs - stormAt);
      } else await sleep(loadMs);
      await server.kill('SIGKILL');
      sum.kills++;
      server = null;
      await sleep(Math.floor(rand() * 200));
      let t = Date.now();
      await quiesce();
      const tQuiesce = Date.now() - t;
      t = Date.now();
      server = await spawn();
      const tStart = Date.now() - t;
      t = Date.now();
      // Commands whose reply was lost in the crash are sent again with the same id (rule 4).
      for (const r of kioskRetry.splice(0)) {
        sum.retriedAfterCrash++;
        await issue(r.token, r.commandId, r.serviceId);
      }
      await checkAll(`after kill ${round}`);
      opts.onProgress?.({ ...sum, violations: [...sum.violations] });
      log(`soak: kill ${round}/${kills} survived (load ${loadMs} ms, settle ${tQuiesce} ms, restart ${tStart} ms, retry+check ${Date.now() - t} ms) — ${sum.ticketsAcknowledged} tickets, ${sum.acknowledged} acknowledged, ${sum.invariantsChecked} checks, ${sum.violations.length} violations`);
    }
    // A last storm under load, then every screen must end with the correct state.
    paused = false;
    await sleep(200);
    await storm();
    await sleep(300);
    await quiesce();
    await checkAll('after the final disconnect storm');
  } catch (err) {
    violation(`soak aborted: ${(err as Error).stack ?? err}`);
  } finally {
    stopped = true;
    await Promise.all(loops);
    for (const c of everyone) c.disconnect();
    await server?.kill('SIGTERM');
    await servers.close();
    if (!sum.violations.length) cleanup();
    else log(`soak: database kept for inspection at ${dbPath}`);
  }
  return sum;
}
