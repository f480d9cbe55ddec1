/**
 * Stable error codes shared by server and apps. The code is the contract; the messages are
 * for people (Japanese first). HTTP status is fixed per code so every transport agrees.
 */
export const ERRORS = {
  INVALID_INPUT: { status: 400, ja: '入力内容が正しくありません。', en: 'The request is not valid.' },
  UNAUTHENTICATED: { status: 401, ja: 'サインインしてください。', en: 'Please sign in.' },
  BAD_CREDENTIALS: { status: 401, ja: 'ログインIDまたはパスワードが違います。失敗が続くと、しばらくの間サインインできなくなります。', en: 'Wrong login or password. After several failures sign-in is paused for a while.' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, ja: '初期パスワードを変更してください。変更するまで他の操作はできません。', en: 'Change the first-run password before anything else.' },
  WEAK_PASSWORD: { status: 400, ja: 'このパスワードは使えません（10文字以上、ログインIDを含まない、繰り返し・並び・よく使われるものは不可）。', en: 'This password is not allowed (at least 10 characters; not the login, repeats, sequences or common passwords).' },
  RATE_LIMITED: { status: 429, ja: '操作が多すぎます。少し待ってからお試しください。', en: 'Too many requests; please wait.' },
  TOO_MANY_CONNECTIONS: { status: 429, ja: 'この場所からの接続が多すぎます。しばらくしてからお試しください。', en: 'Too many connections from this address; please try again later.' },
  FORBIDDEN: { status: 403, ja: 'この操作の権限がありません。', en: 'You are not allowed to do this.' },
  CSRF_REJECTED: { status: 403, ja: '不正な送信元からの要求は受け付けません。', en: 'Cross-site request refused.' },
  NOT_FOUND: { status: 404, ja: '見つかりません。', en: 'Not found.' },
  OFFICE_NOT_FOUND: { status: 404, ja: '庁舎が見つかりません。', en: 'Office not found.' },
  SERVICE_NOT_FOUND: { status: 404, ja: '用件が見つかりません。', en: 'Service not found.' },
  COUNTER_NOT_FOUND: { status: 404, ja: '窓口が見つかりません。', en: 'Counter not found.' },
  TICKET_NOT_FOUND: { status: 404, ja: '番号札が見つかりません。', en: 'Ticket not found.' },
  STAFF_NOT_FOUND: { status: 404, ja: '職員が見つかりません。', en: 'Staff member not found.' },
  DEVICE_NOT_FOUND: { status: 404, ja: '端末が見つかりません。', en: 'Device not found.' },
  SERVICE_INACTIVE: { status: 409, ja: 'この用件は現在受付を休止しています。', en: 'This service is not taking tickets now.' },
  OUTSIDE_HOURS: { status: 409, ja: '受付時間外です。', en: 'Outside reception hours.' },
  DAILY_CAP_REACHED: { status: 409, ja: '本日の受付は終了しました（上限に達しました）。', en: "Today's tickets for this service have run out." },
  NUMBER_RANGE_EXHAUSTED: { status: 409, ja: '本日発行できる番号がありません。', en: 'No ticket numbers left for today.' },
  COUNTER_NOT_OPEN: { status: 409, ja: '窓口が開いていません。', en: 'The counter is not open.' },
  COUNTER_BUSY: { status: 409, ja: '対応中の番号があります。先に完了してください。', en: 'The counter is still serving a ticket.' },
  COUNTER_IDLE: { status: 409, ja: '対応中の番号がありません。', en: 'The counter has no current ticket.' },
  COUNTER_OCCUPIED: { status: 409, ja: 'この窓口には別の職員がサインインしています。', en: 'Another clerk is signed in to this counter.' },
  SERVICE_NOT_AT_COUNTER: { status: 409, ja: 'この窓口ではその用件を扱っていません。', en: 'This counter does not serve that service.' },
  NO_TICKET_WAITING: { status: 409, ja: 'お待ちの方はいません。', en: 'Nobody is waiting.' },
  TICKET_NOT_WAITING: { status: 409, ja: 'この番号は待機中ではありません。', en: 'This ticket is not waiting.' },
  TICKET_ALREADY_CALLED: { status: 409, ja: 'この番号は既に呼び出されています。', en: 'This ticket has already been called.' },
  INVALID_TRANSITION: { status: 409, ja: '現在の状態ではその操作はできません。', en: 'That action is not possible in the current state.' },
  NO_SHOW_TOO_EARLY: { status: 409, ja: '不在にするには、先に再呼出をしてください。', en: 'Recall the ticket before marking a no-show.' },
  HELD_BY_OTHER_COUNTER: { status: 403, ja: 'この番号は別の窓口で保留中です。保留した窓口の職員か管理者だけが再開できます。', en: 'This ticket is on hold at another counter; only that counter or a supervisor can resume it.' },
  SAME_SERVICE: { status: 409, ja: '同じ用件には引き継げません。', en: 'Cannot transfer to the same service.' },
  IDEMPOTENCY_CONFLICT: { status: 409, ja: '同じ操作IDが別の操作に使われています。', en: 'This command id was used for another command.' },
  PREFIX_TAKEN: { status: 409, ja: 'この記号は同じ庁舎の別の用件で使われています。', en: 'Another service of this office already uses this prefix.' },
  LABEL_TAKEN: { status: 409, ja: 'この窓口番号は既に使われています。', en: 'Another counter already has this label.' },
  LOGIN_TAKEN: { status: 409, ja: 'このログインIDは既に使われています。', en: 'This login is already taken.' },
  COUNTER_IN_USE: { status: 409, ja: '窓口が開いているため無効にできません。先に窓口を閉じてください。', en: 'Close the counter before deactivating it.' },
  CANNOT_CHANGE_SELF: { status: 409, ja: '自分自身のアカウントを無効化・権限変更することはできません。', en: 'You cannot disable or demote your own account.' },
  CONFLICT: { status: 409, ja: '他の変更と競合しました。', en: 'Conflicting change.' },
  PRINTER_NOT_CONFIGURED: { status: 409, ja: 'この発券機にはプリンターが設定されていません。', en: 'No receipt printer is set up for this kiosk.' },
  PRINTER_UNREACHABLE: { status: 503, ja: 'プリンターに接続できません。係員にお声がけください。', en: 'The receipt printer cannot be reached; please ask staff.' },
  DB_BUSY: { status: 503, ja: 'ただいま混み合っています。少し待ってからもう一度お試しください。', en: 'The database is busy; please try again in a moment.' },
  DB_READONLY: { status: 503, ja: 'データベースに書き込めません（読み取り専用）。係員・管理者にお知らせください。', en: 'The database is read-only; nothing can be saved. Please tell staff.' },
  DB_IO: { status: 503, ja: 'データベースの読み書きに失敗しました。係員・管理者にお知らせください。', en: 'The database could not be read or written. Please tell staff.' },
  DB_FULL: { status: 503, ja: 'ディスクの空き容量が不足しているため保存できません。係員・管理者にお知らせください。', en: 'The disk is full; nothing can be saved. Please tell staff.' },
  // Reports and history import (issue 14)
  REPORT_PERIOD_TOO_LONG: { status: 400, ja: '期間は366日以内で指定してください。', en: 'The period must be 366 days or fewer.' },
  REPORT_PERIOD_REVERSED: { status: 400, ja: '開始日が終了日より後になっています。', en: 'The start date is after the end date.' },
  REPORT_YEARS_INVALID: { status: 400, ja: '年の範囲が正しくありません（開始年は終了年以前、30年以内）。', en: 'The year range is not valid (from ≤ to, at most 30 years).' },
  IMPORT_INVALID: { status: 400, ja: 'ファイルに取り込めない行があります。何も取り込んでいません。', en: 'The file has rows that cannot be imported; nothing was imported.' },
  IMPORT_MAPPING_NOT_FOUND: { status: 404, ja: '列の対応付けが見つかりません。', en: 'Column mapping not found.' },
  IMPORT_BATCH_NOT_FOUND: { status: 404, ja: '取込が見つかりません（既に削除されています）。', en: 'Import batch not found (or already removed).' },
  JOURNEY_NOT_ALLOWED: { status: 409, ja: 'この組み合わせ・順番では受け付けられません。', en: 'These procedures cannot be combined in this order.' },
  NO_PICKUP_STAGE: { status: 409, ja: 'この用件には交付の段階がありません。', en: 'This service has no pickup stage.' },
  NOT_PROCESSING: { status: 409, ja: 'この番号は書類作成中ではありません。', en: 'This ticket is not in processing.' },
  NOTIFY_NOT_OFFERED: { status: 409, ja: 'この庁舎ではこのお知らせ方法を提供していません。', en: 'This office does not offer this kind of notice.' },
  TICKET_FINISHED: { status: 409, ja: 'この番号札の手続きは終了しています。', en: 'This ticket has finished.' },
  INTERNAL: { status: 500, ja: 'システムエラーが発生しました。', en: 'Internal error.' },
  PLAN_NO_HISTORY: { status: 409, ja: '予測に使える受付履歴がありません（対象期間より前の実績が必要です）。', en: 'No ticket history before the period to forecast from.' },
  PLAN_NOT_FOUND: { status: 404, ja: '計画が見つかりません。', en: 'Plan not found.' },
  CROWDING_NOT_PUBLISHED: { status: 404, ja: '混雑予想カレンダーはまだ公開されていません。', en: 'No crowding calendar has been published yet.' },
} as const satisfies Record<string, { status: number; ja: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An error the domain or the edge raises on purpose; anything else becomes INTERNAL. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, details?: unknown, message?: string) {
    super(message ?? ERRORS[code].ja);
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, value);
}

/** Human message for a code in the requested language (apps show Japanese first). */
export function errorMessage(code: string, lang: 'ja' | 'en' = 'ja'): string {
  return isErrorCode(code) ? ERRORS[code][lang] : ERRORS.INTERNAL[lang];
}
