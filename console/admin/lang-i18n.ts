import { i18next } from '../../web/i18n.js';

/** Admin strings for issue 15 (calendar page, service hours, missing translations), merged into the `admin` namespace. */
const ja = {
  'tab.calendar': 'カレンダー',
  serviceHours: 'この用件の受付時間', serviceHoursHelp: '空欄＝庁舎の受付時間どおり。庁舎が開いている時間の中でだけ受け付けます（例: 16:00まで）。', serviceHoursCol: '受付時間',
  translationsTitle: '翻訳が足りません', translationsHelp: '足りない言語では日本語が表示されます。用件の「編集」から追加してください。', translationsOk: 'すべての言語がそろっています。',
  'field.name': '名称', 'field.description': '説明', 'field.ticketHeader': '番号札の上部', 'field.ticketFooter': '番号札の下部', 'field.displayWelcome': '表示盤の待機時メッセージ', officeItself: '庁舎',
  calTitle: '庁舎カレンダー', calHelp: '祝日・振替休日は自動で休みになります。休日開庁・臨時閉庁・受付時間の変更はここで日付ごとに登録します。',
  yearEnd: '年末年始の休み', yearEndNone: '年末年始も開庁する', yearEndFrom: '開始（MM-dd）', yearEndTo: '終了（MM-dd）',
  calDate: '日付', calKind: '種類', 'calKind.closed': '臨時閉庁', 'calKind.open': '休日開庁', 'calKind.hours': '受付時間の変更（延長窓口など）', 'calKind.event': '特別な日（時間は変えない）',
  calLabel: '住民へのお知らせ（発券機・スマートフォン・表示盤）', calAdd: '登録', calEntries: '登録済みの日', calNoEntries: '登録はありません。',
  calNext: 'これからの60日', calDay: '日', calState: '受付', calOpen: '開庁', calClosed: '閉庁', calReason: '理由',
  'reason.regular': '通常', 'reason.weekly': '休日（曜日）', 'reason.holiday': '祝日', 'reason.yearEnd': '年末年始', 'reason.closed': '臨時閉庁', 'reason.specialOpen': '休日開庁', 'reason.changedHours': '時間変更', 'reason.always': '終日',
};
type Keys = keyof typeof ja;
const en: Record<Keys, string> = {
  'tab.calendar': 'Calendar',
  serviceHours: 'Hours of this service', serviceHoursHelp: "Empty = the office's hours. Tickets only while the office is open too (e.g. until 16:00).", serviceHoursCol: 'Hours',
  translationsTitle: 'Missing translations', translationsHelp: 'Residents see Japanese in the missing languages. Add them with “Edit”.', translationsOk: 'All languages are complete.',
  'field.name': 'Name', 'field.description': 'Description', 'field.ticketHeader': 'Ticket header', 'field.ticketFooter': 'Ticket footer', 'field.displayWelcome': 'Display idle message', officeItself: 'Office',
  calTitle: 'Office calendar', calHelp: 'National holidays are closed automatically. Add holiday openings, closures and changed hours by date here.',
  yearEnd: 'New Year closure', yearEndNone: 'Open over the New Year', yearEndFrom: 'From (MM-dd)', yearEndTo: 'To (MM-dd)',
  calDate: 'Date', calKind: 'Kind', 'calKind.closed': 'Closed', 'calKind.open': 'Holiday opening', 'calKind.hours': 'Changed hours (extended…)', 'calKind.event': 'Special day (same hours)',
  calLabel: 'Notice for residents (kiosk, phones, display)', calAdd: 'Save date', calEntries: 'Dates set', calNoEntries: 'No dates set.',
  calNext: 'Next 60 days', calDay: 'Day', calState: 'Reception', calOpen: 'Open', calClosed: 'Closed', calReason: 'Why',
  'reason.regular': 'Regular', 'reason.weekly': 'Weekly day off', 'reason.holiday': 'National holiday', 'reason.yearEnd': 'New Year', 'reason.closed': 'Closed', 'reason.specialOpen': 'Holiday opening', 'reason.changedHours': 'Changed hours', 'reason.always': 'Always',
};

export function setupLangAdminI18n(): void {
  i18next.addResourceBundle('ja', 'admin', ja, true, true);
  i18next.addResourceBundle('en', 'admin', en, true, true);
}
