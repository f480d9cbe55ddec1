import { i18next, initI18n } from '../../web/i18n.js';

/**
 * Strings of the administration section (namespace `admin`), Japanese first and complete,
 * English beside it. Added as a bundle so other console sections keep their own.
 */
const ja = {
  title: '管理', lang: 'English',
  'tab.office': '庁舎', 'tab.services': '用件', 'tab.counters': '窓口', 'tab.staff': '職員', 'tab.devices': '端末', 'tab.seasons': '繁忙期', 'tab.history': '過去データ取込', 'tab.audit': '監査ログ',
  office: '庁舎', save: '保存', saved: '保存しました。画面に反映されています。', cancel: 'キャンセル', add: '追加', edit: '編集', yes: 'はい', no: 'いいえ', loading: '読み込み中…',
  name: '名称', description: '説明', hours: '受付時間', alwaysOpen: '終日受付（時間制限なし）', open: '開始', close: '終了', days: '受付曜日',
  'day.1': '月', 'day.2': '火', 'day.3': '水', 'day.4': '木', 'day.5': '金', 'day.6': '土', 'day.7': '日',
  kioskPriority: '発券機で優先受付（妊娠中・障がい・ご高齢・お子様連れ）を選べる', ticker: 'お知らせ（表示盤のテロップ）',
  policy: '呼出ルール', normalPerPriority: '優先1人につき一般の人数', normalPerPriorityHelp: '空欄＝優先の方を常に先に', maxWaitMin: '最大待ち時間（分）', maxWaitHelp: 'これを超えた方を最優先で呼出。空欄＝なし',
  recallsBeforeNoShow: '不在にする前の再呼出回数',
  announcement: '呼出アナウンス', announcementJa: '日本語（{number} {counter} を使えます）', announcementEn: '英語', announcementEnglish: '英語でもアナウンスする', announcementReading: '番号の読み方', readingWhole: '数としてまとめて（12番 → じゅうに番）', readingDigits: '1桁ずつ（12番 → イチ ニー番）',
  texts: '番号札・表示盤の文言', ticketHeader: '番号札の上部', ticketFooter: '番号札の下部', displayWelcome: '表示盤の待機時メッセージ',
  prefix: '記号', range: '番号の範囲', numberStart: '開始番号', numberEnd: '終了番号', dailyCap: '1日の上限枚数', dailyCapHelp: '空欄＝上限なし', targetWaitMin: '目標待ち時間（分）',
  defaultServiceMin: '標準対応時間（分）', kioskVisible: '発券機に表示', priorityAllowed: '優先受付可', active: '受付中', sortOrder: '並び順', order: '順',
  newService: '用件を追加', editService: '用件を編集', serviceHoursNote: '用件ごとの受付時間は、各用件の「編集」で設定できます（庁舎の受付時間の中で）。',
  label: '窓口番号', services: '扱う用件（上から優先）', newCounter: '窓口を追加', editCounter: '窓口を編集', up: '上へ', down: '下へ', remove: '外す',
  login: 'ログインID', role: '権限', 'role.clerk': '窓口職員', 'role.supervisor': '監督者', 'role.admin': '管理者', allOffices: '全庁舎', password: 'パスワード（10文字以上）',
  newStaff: '職員を追加', disabled: '無効', disable: '無効にする', enable: '有効にする', resetPassword: 'パスワード再設定', newPassword: '新しいパスワード（10文字以上）',
  sessions: 'セッション', revokeAll: '全セッションを終了', revoke: '終了', activeSessions: '有効なセッション', lockedUntil: 'ロック中', createdAt: '作成', lastSeen: '最終利用', ip: 'IPアドレス',
  kind: '種類', 'kind.kiosk': '発券機', 'kind.display': '表示盤', newDevice: '端末を追加', pairingUrl: 'ペアリングURL', pairingHelp: '端末のブラウザでこのURLを一度開くと登録されます。QRコードを端末のカメラで読み取ることもできます。',
  revokeDevice: '登録解除', revoked: '解除済み', confirmRevoke: 'この端末の登録を解除しますか？ 接続はすぐに切断されます。', confirmDisable: 'この職員を無効にしますか？ サインイン中の画面はすぐに切断されます。',
  year: '年（暦年）', seasonYearHelp: '繁忙期は年度末から年度初めにまたがるため、年度ではなく暦年で指定します。例：2027年＝令和8年度末〜令和9年度初め（2027年3〜4月）。', startDay: '開始日', endDay: '終了日', allOfficesSeason: '全庁舎共通', newSeason: '繁忙期を追加', delete: '削除',
  at: '日時', who: '職員', device: '端末', action: '操作', target: '対象', detail: '内容', from: '開始日', to: '終了日', filter: '絞り込み', exportCsv: 'CSVで書き出し', includeCommands: '窓口操作も含める', none: 'なし',
  'lang.ja': '日本語', 'lang.en': '英語', 'lang.zh': '中国語', 'lang.ko': '韓国語', 'lang.vi': 'ベトナム語', 'lang.ja-easy': 'やさしい日本語',
  newOffice: '庁舎を追加', officeId: '庁舎ID（英小文字・数字・-）', officeIdHelp: '例: kita（URLやデータで使います。後から変更できません）',
  supervisorNote: '監督者は現況画面でお知らせ（テロップ）のみ変更できます。その他の設定は管理者が行います。',
};
type Keys = keyof typeof ja;
const en: Record<Keys, string> = {
  title: 'Administration', lang: '日本語',
  'tab.office': 'Office', 'tab.services': 'Services', 'tab.counters': 'Counters', 'tab.staff': 'Staff', 'tab.devices': 'Devices', 'tab.seasons': 'Busy seasons', 'tab.history': 'History import', 'tab.audit': 'Audit log',
  office: 'Office', save: 'Save', saved: 'Saved. Screens show it now.', cancel: 'Cancel', add: 'Add', edit: 'Edit', yes: 'Yes', no: 'No', loading: 'Loading…',
  name: 'Name', description: 'Description', hours: 'Reception hours', alwaysOpen: 'Always open (no hours)', open: 'Opens', close: 'Closes', days: 'Open on',
  'day.1': 'Mon', 'day.2': 'Tue', 'day.3': 'Wed', 'day.4': 'Thu', 'day.5': 'Fri', 'day.6': 'Sat', 'day.7': 'Sun',
  kioskPriority: 'Kiosk offers priority (pregnancy, disability, elderly, with children)', ticker: 'Notice (display ticker)',
  policy: 'Call policy', normalPerPriority: 'Normal calls per priority call', normalPerPriorityHelp: 'Empty = priority always first', maxWaitMin: 'Maximum wait (min)', maxWaitHelp: 'Called first once exceeded. Empty = off',
  recallsBeforeNoShow: 'Recalls before a no-show',
  announcement: 'Call announcement', announcementJa: 'Japanese ({number} {counter} available)', announcementEn: 'English', announcementEnglish: 'Also announce in English', announcementReading: 'Reading of numbers', readingWhole: 'As a whole number (12 → twelve)', readingDigits: 'Digit by digit (12 → one two)',
  texts: 'Ticket and display texts', ticketHeader: 'Ticket header', ticketFooter: 'Ticket footer', displayWelcome: 'Display idle message',
  prefix: 'Prefix', range: 'Number range', numberStart: 'First number', numberEnd: 'Last number', dailyCap: 'Daily cap', dailyCapHelp: 'Empty = no cap', targetWaitMin: 'Target wait (min)',
  defaultServiceMin: 'Default service time (min)', kioskVisible: 'Shown at kiosk', priorityAllowed: 'Priority allowed', active: 'Active', sortOrder: 'Order', order: 'No.',
  newService: 'Add service', editService: 'Edit service', serviceHoursNote: "A service's own hours are set with its Edit button (within the office's hours).",
  label: 'Counter no.', services: 'Services (top = preferred)', newCounter: 'Add counter', editCounter: 'Edit counter', up: 'Up', down: 'Down', remove: 'Remove',
  login: 'Login', role: 'Role', 'role.clerk': 'Clerk', 'role.supervisor': 'Supervisor', 'role.admin': 'Admin', allOffices: 'All offices', password: 'Password (10+ characters)',
  newStaff: 'Add staff', disabled: 'Disabled', disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password', newPassword: 'New password (10+ characters)',
  sessions: 'Sessions', revokeAll: 'End all sessions', revoke: 'End', activeSessions: 'Active sessions', lockedUntil: 'Locked', createdAt: 'Created', lastSeen: 'Last seen', ip: 'IP address',
  kind: 'Kind', 'kind.kiosk': 'Kiosk', 'kind.display': 'Display', newDevice: 'Add device', pairingUrl: 'Pairing URL', pairingHelp: 'Open this URL once in the device’s browser to pair it, or scan the QR code.',
  revokeDevice: 'Revoke', revoked: 'Revoked', confirmRevoke: 'Revoke this device? It is disconnected at once.', confirmDisable: 'Disable this account? Its screens are signed out at once.',
  year: 'Calendar year', seasonYearHelp: 'A busy season straddles the fiscal year (年度) boundary, so it is set by calendar year: 2027 = March–April 2027 (end of FY2026, start of FY2027).', startDay: 'From', endDay: 'To', allOfficesSeason: 'All offices', newSeason: 'Add busy season', delete: 'Delete',
  at: 'When', who: 'Staff', device: 'Device', action: 'Action', target: 'Target', detail: 'Detail', from: 'From', to: 'To', filter: 'Filter', exportCsv: 'Export CSV', includeCommands: 'Include counter operations', none: 'None',
  'lang.ja': 'Japanese', 'lang.en': 'English', 'lang.zh': 'Chinese', 'lang.ko': 'Korean', 'lang.vi': 'Vietnamese', 'lang.ja-easy': 'Easy Japanese',
  newOffice: 'Add office', officeId: 'Office id (a–z, 0–9, -)', officeIdHelp: 'e.g. kita (used in data; cannot be changed later)',
  supervisorNote: 'Supervisors may change only the notice (ticker), on the floor page. Everything else is for admins.',
};

export function setupAdminI18n(): void {
  if (!i18next.isInitialized) initI18n({ ja: {}, en: {} });
  if (!i18next.hasResourceBundle('ja', 'admin')) {
    i18next.addResourceBundle('ja', 'admin', ja);
    i18next.addResourceBundle('en', 'admin', en);
  }
}
