/** Domain types shared by server and apps. Times are UTC epoch milliseconds (…At fields). */

import type { CalendarEntry, OfficeCalendarSettings, OfficeDay } from './calendar.js';

export const LANGS = ['ja', 'en', 'zh', 'ko', 'vi', 'ja-easy'] as const;
export type Lang = (typeof LANGS)[number];
/** Text in several languages; Japanese is always present. */
export type LocalizedText = { ja: string } & Partial<Record<Lang, string>>;

export const STAFF_ROLES = ['clerk', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export const DEVICE_KINDS = ['kiosk', 'display'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
/** Who is asking: 'none' for the public, a device kind, or a staff role. */
export type ActorRole = 'none' | DeviceKind | StaffRole;

export interface OfficeHours {
  /** Local "HH:mm" in the office time zone. */
  open: string;
  close: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which reception is open. */
  days: number[];
}

export interface CallPolicy {
  /** N normal calls for each priority call when both wait (e.g. 2 → 2:1); null = priority always first. */
  normalPerPriority: number | null;
  /** A ticket waiting this long (minutes) is called before any other; null = off. */
  maxWaitMin: number | null;
  /** Recalls required before a no-show may be recorded. */
  recallsBeforeNoShow: number;
}

export interface Office {
  id: string;
  name: LocalizedText;
  timezone: string;
  /** null = reception always open. */
  hours: OfficeHours | null;
  policy: CallPolicy;
  /** Whether the kiosk offers the priority option (妊娠中・障がい・ご高齢・お子様連れ). */
  kioskPriority: boolean;
  ticker: string;
  announcement: AnnouncementConfig;
  /** Texts set by the admin for tickets and displays (absent keys → the app's default). */
  texts?: OfficeTexts;
  /** The office calendar: year-end closure and dated entries (休日開庁, closures, changed hours); absent = defaults, no entries. */
  calendar?: OfficeCalendarData;
  /** "Your turn is near" notices the office offers beyond the open phone page (issue 16); absent = none. */
  notify?: OfficeNotify;
}

/** The office calendar as stored (server/calendar/ reads it). */
export interface OfficeCalendarData {
  settings: OfficeCalendarSettings;
  entries: CalendarEntry[];
}

/** Notices an office offers (issue 16). E-mail goes through the office SMTP relay (MADOGUCHI_SMTP_URL). */
export interface OfficeNotify {
  email?: boolean;
  /** Generic outgoing webhook (a city's LINE or SMS gateway); null/absent = off. */
  webhookUrl?: string | null;
}

export interface OfficeTexts {
  /** Printed at the top of a ticket (e.g. the office name line). */
  ticketHeader?: LocalizedText;
  /** Printed at the bottom of a ticket (e.g. "keep this ticket"). */
  ticketFooter?: LocalizedText;
  /** Shown on the lobby display when nobody is being called. */
  displayWelcome?: LocalizedText;
}

export interface AnnouncementConfig {
  /** Tokens: {number} {counter}. */
  ja: string;
  en: string;
  english: boolean;
  /** How the display reads ticket numbers: 'whole' (12番, the default) or 'digits' (イチ ニー番). */
  reading?: 'whole' | 'digits';
}

export interface Service {
  id: string;
  officeId: string;
  prefix: string;
  name: LocalizedText;
  description: LocalizedText;
  numberStart: number;
  numberEnd: number;
  /** Tickets per business day; null = only the number range limits it. */
  dailyCap: number | null;
  targetWaitMin: number;
  defaultServiceMin: number;
  sortOrder: number;
  active: boolean;
  kioskVisible: boolean;
  priorityAllowed: boolean;
  /** The service's own reception window within the office's (e.g. until 16:00), local "HH:mm"; null = the office's hours. */
  hours?: ServiceHours | null;
  /** Journeys (issue 16): position in the office's default order of combinable services; null = not combinable. */
  journeyRank?: number | null;
  /** 交付 stage (issue 16): the service whose queue a ticket joins when its papers are ready; null = no pickup stage. */
  pickupServiceId?: string | null;
}

/** A service's own reception window, local "HH:mm" (open inclusive, close exclusive). */
export interface ServiceHours {
  open: string;
  close: string;
}

export const COUNTER_STATES = ['open', 'paused', 'closed'] as const;
export type CounterState = (typeof COUNTER_STATES)[number];

export interface Counter {
  id: string;
  officeId: string;
  /** Short label spoken and shown: "3" → 3番窓口. */
  label: string;
  name: LocalizedText;
  /** Services served, in the counter's order of preference (ties broken by it). */
  serviceIds: string[];
  sortOrder: number;
  active: boolean;
}

/** Live state of a counter (changed only by events). */
export interface CounterLive {
  counterId: string;
  state: CounterState;
  clerkId: string | null;
  currentStepId: string | null;
  stateSince: number;
}

export interface Ticket {
  id: string;
  officeId: string;
  businessDay: string; // yyyy-MM-dd in the office time zone
  prefix: string;
  number: number;
  display: string; // "A-012"
  priority: boolean;
  priorityReason: string | null;
  lang: Lang;
  issuedAt: number;
  /** Unguessable token for the public tracking link /t/<token>. */
  token: string;
  deviceId: string | null;
  /** Journey (issue 16): services still planned after the current leg, in order; absent = none. */
  plan?: string[];
  /** 交付 stage (issue 16); absent when the ticket has none. */
  pickup?: PickupStage;
}

/**
 * A ticket's 交付 stage: the 受付 step ended with 書類作成中 at `processingAt`, the back office
 * marked it ready at `readyAt`, and `stepId` is the step in the pickup service's queue.
 * Processing time = readyAt − processingAt; pickup wait = that step's first call − its enqueue.
 */
export interface PickupStage {
  serviceId: string;
  fromStepId: string;
  processingAt: number;
  readyAt: number | null;
  stepId: string | null;
  /** Set when the stage ended without a pickup (ticket cancelled, day closed). */
  closedAt?: number | null;
}

export const STEP_STATES = ['waiting', 'called', 'serving', 'held', 'ended'] as const;
export type StepState = (typeof STEP_STATES)[number];
export const OUTCOMES = ['served', 'no_show', 'cancelled', 'transferred', 'unserved'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const CALL_REASONS = ['fifo', 'priority', 'ratio', 'max_wait', 'specific', 'resumed'] as const;
export type CallReason = (typeof CALL_REASONS)[number];

export interface Step {
  id: string;
  ticketId: string;
  officeId: string;
  seq: number;
  serviceId: string;
  state: StepState;
  enqueuedAt: number;
  /** Queue position key: smaller is called earlier (enqueue time, or earlier for "front"). */
  orderKey: number;
  firstCalledAt: number | null;
  lastCalledAt: number | null;
  callCount: number;
  startedAt: number | null;
  endedAt: number | null;
  outcome: Outcome | null;
  counterId: string | null;
  clerkId: string | null;
  callReason: CallReason | null;
  fromStepId: string | null;
  /** The estimate shown when this step was enqueued at issue (kiosk or staff issue); absent before issue 13 and on later steps. */
  estimate?: RecordedEstimate;
}

export interface WaitEstimate {
  /** People ahead in the queue of that service. */
  ahead: number;
  /** Minutes, a range; null when no open counter serves the service. */
  lowMin: number | null;
  highMin: number | null;
  openCounters: number;
  /** The point figure in minutes (what the range is built around); null with the range. */
  pointMin?: number | null;
  /** Estimator and its version, e.g. "queue-sim/2" (stored with the ticket, compared in the reports). */
  method?: string;
  /** Why there is no range: no open counter serves the service (a paused one counts as not open). */
  reason?: EstimateNoneReason | null;
}

/**
 * Counters' expected pauses, openings and closings for a business day, local "HH:MM" in the office
 * time zone, with how likely each is (0–1). Learned from the office's previous business days
 * (server/estimate/schedule.ts) or given by an explicit day plan (p = 1); the estimator's forward
 * simulation applies them. Keyed by counter id.
 */
export interface CounterPlanWindow {
  from: string;
  to: string;
  p: number;
}
export interface CounterPlan {
  pauses: CounterPlanWindow[];
  /** First opening of the day, when the counter is usually closed until then. */
  openAt: { at: string; p: number } | null;
  /** Closing for the day before reception ends (a shorter shift). */
  closeAt: { at: string; p: number } | null;
}
export type CounterSchedule = Record<string, CounterPlan>;

export const ESTIMATE_NONE_REASONS = ['NO_OPEN_COUNTER'] as const;
export type EstimateNoneReason = (typeof ESTIMATE_NONE_REASONS)[number];

/** An estimate as recorded in the `ticket.issued` event and on the step (nothing personal). */
export interface RecordedEstimate {
  lowMin: number | null;
  highMin: number | null;
  pointMin: number | null;
  method: string;
  ahead: number;
}

export interface PublicService {
  id: string;
  prefix: string;
  name: LocalizedText;
  description: LocalizedText;
  sortOrder: number;
  /** Shown at the kiosk and on the status page (configuration); whether it issues now is `refusal`. */
  kioskVisible: boolean;
  priorityAllowed: boolean;
  targetWaitMin: number;
  /** The service's own reception window (shown on the kiosk and the status page); null = the office's hours. */
  hours: ServiceHours | null;
  /** null when a ticket can be issued now; otherwise why not (an error code). */
  refusal: 'SERVICE_INACTIVE' | 'OUTSIDE_HOURS' | 'DAILY_CAP_REACHED' | 'NUMBER_RANGE_EXHAUSTED' | null;
  waiting: number;
  estimate: WaitEstimate;
  /** Journeys (issue 16): rank in the office's default order of combinable services; null = not combinable. */
  journeyRank?: number | null;
  /** 交付 stage (issue 16): the pickup service; null = none. */
  pickupServiceId?: string | null;
}

export interface PublicCounter {
  id: string;
  label: string;
  name: LocalizedText;
  state: CounterState;
  serviceIds: string[];
  /** Number being called or served at this counter. */
  current: { display: string; serviceId: string; state: 'called' | 'serving' } | null;
}

export interface CallRecord {
  /** Event id of the call; unique and increasing, used by displays to announce each call once. */
  callId: number;
  display: string;
  serviceId: string;
  counterId: string;
  counterLabel: string;
  at: number;
  recall: boolean;
}

export interface PublicSnapshot {
  kind: 'public';
  version: number;
  officeId: string;
  businessDay: string;
  now: number;
  office: { id: string; name: LocalizedText; timezone: string; hours: OfficeHours | null; ticker: string; announcement: AnnouncementConfig; kioskPriority: boolean; acceptingNow: boolean; texts?: OfficeTexts; today?: OfficeDay };
  services: PublicService[];
  counters: PublicCounter[];
  recentCalls: CallRecord[];
  /** Today's numbers marked no-show (不在) and not back in the queue, newest first (at most NO_SHOW_LIST). */
  noShows: NoShowRecord[];
  /** 交付 panel (issue 16): numbers whose papers are ready and not yet called, oldest first. */
  pickupsReady?: PickupReadyRecord[];
}

export interface PickupReadyRecord {
  display: string;
  /** The pickup (交付) service whose counters call it. */
  serviceId: string;
  readyAt: number;
}

/** A ticket in the 交付 stage, for staff (作成係 screen, floor view). */
export interface StaffPickupView {
  ticketId: string;
  display: string;
  /** The 受付 service. */
  fromServiceId: string;
  serviceId: string;
  state: 'processing' | 'ready' | 'called';
  processingAt: number;
  readyAt: number | null;
}

/** A number called but absent; the display lists it with how to return. */
export interface NoShowRecord {
  display: string;
  serviceId: string;
  counterId: string | null;
  /** When the no-show was recorded. */
  at: number;
}

/** How many no-show numbers the public snapshot carries. */
export const NO_SHOW_LIST = 20;

/** The last announcement result a display reported (`display:voice`), kept in memory per device. */
export interface DisplayVoiceStatus {
  deviceId: string;
  deviceName: string;
  officeId: string;
  ok: boolean;
  /** 'failed': the voice did not start or end in time; 'unavailable': no voice for the language on that PC. */
  reason: 'failed' | 'unavailable' | null;
  callId: number | null;
  display: string | null;
  /** When the display saw the result (its clock), and when the server received it. */
  at: number;
  receivedAt: number;
}

export interface StaffStepView extends Step {
  display: string;
  priority: boolean;
  issuedAt: number;
  /** Journey (issue 16): the ticket's remaining planned legs after this one (service ids). */
  plan?: string[];
  /** Whether this step is the ticket's 交付 (pickup) step. */
  pickup?: boolean;
}

export interface StaffCounter extends PublicCounter {
  clerk: { id: string; name: string } | null;
  stateSince: number;
  currentStep: StaffStepView | null;
  /** Earlier steps of the current ticket (after transfers). */
  history: StaffStepView[];
  servedToday: number;
  /** The step call-next would take now at this counter (`pickNext`, the server's own policy); null when closed or nobody waits. */
  nextUp: { stepId: string; display: string; reason: CallReason } | null;
  /** Who closed this counter last (null: unknown, e.g. closed at close of day or before a restart). */
  closedBy: { id: string; name: string } | null;
}

export interface StaffSnapshot extends Omit<PublicSnapshot, 'kind' | 'counters'> {
  kind: 'staff';
  counters: StaffCounter[];
  /** Waiting steps in call order per service (priority first, then queue order). */
  waiting: StaffStepView[];
  held: StaffStepView[];
  policy: CallPolicy;
  stats: { issuedToday: number; servedToday: number; noShowToday: number; oldestWaitMs: Record<string, number> };
  /** Issue 17: the office's staff stream revision, on snapshots sent over a socket (deltas apply to it, common/delta.ts). */
  rev?: number;
  /** 交付 stage (issue 16): tickets in processing or ready and not yet served. */
  pickups?: StaffPickupView[];
}

export interface IssuedTicket {
  ticketId: string;
  stepId: string;
  display: string;
  serviceId: string;
  priority: boolean;
  issuedAt: number;
  token: string;
  businessDay: string;
  estimate: WaitEstimate;
  /** Journey (issue 16): the services planned after this first leg. */
  plan?: string[];
}

/** One leg of a journey on the phone page (issue 16). */
export interface JourneyLeg {
  serviceId: string;
  name: LocalizedText;
  /** done: ended; current: the open step; planned: still to come; pickup: the 交付 stage. */
  state: 'done' | 'current' | 'planned';
  outcome: Outcome | null;
  /** Current leg: its live estimate; planned legs: the service's wait if queued now. */
  estimate: WaitEstimate | null;
  pickup?: boolean;
}

export interface TicketStatus {
  display: string;
  businessDay: string;
  issuedAt: number;
  /** The language the ticket was taken in at the kiosk (the phone page opens in it). */
  lang?: Lang;
  service: { id: string; name: LocalizedText };
  state: StepState | 'done';
  outcome: Outcome | null;
  counter: { id: string; label: string; name: LocalizedText } | null;
  estimate: WaitEstimate | null;
  steps: { serviceId: string; state: StepState; outcome: Outcome | null }[];
  version: number;
  /** Journey (issue 16): every leg, done, current and planned, in order. */
  journey?: JourneyLeg[];
  /** 交付 stage (issue 16): processing (書類作成中), ready (書類ができました), called, done; null = none. */
  pickup?: { state: 'processing' | 'ready' | 'called' | 'done' | 'closed'; serviceId: string; readyAt: number | null } | null;
}

export interface StaffInfo {
  id: string;
  login: string;
  name: string;
  role: StaffRole;
  officeId: string | null;
}

export interface DeviceInfo {
  id: string;
  officeId: string;
  kind: DeviceKind;
  name: string;
  config: Record<string, unknown>;
}

/** `mustChangePassword`: a first-run password; every other call answers 403 PASSWORD_CHANGE_REQUIRED until it is changed. */
export type Whoami = { kind: 'staff'; staff: StaffInfo; mustChangePassword?: boolean } | { kind: 'device'; device: DeviceInfo } | { kind: 'none' };
