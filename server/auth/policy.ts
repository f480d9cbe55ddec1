/**
 * Password rules for every password a person chooses or the server is given: the own-password
 * change, an admin's create/reset, and MADOGUCHI_ADMIN_PASSWORD / MADOGUCHI_STAFF_PASSWORD.
 * Length first (a passphrase is welcome), then a small deny list of what is guessed first.
 */
export const PASSWORD_MIN_LENGTH = 10;

export type PasswordProblem = 'too-short' | 'contains-login' | 'repeated' | 'sequence' | 'common';

/** Words guessed first, compared with the letters of the password only ("Password2026!" → "password"). */
const COMMON = new Set([
  'password', 'passwd', 'passw', 'pass', 'admin', 'administrator', 'root', 'user', 'guest', 'test', 'welcome', 'letmein', 'changeme',
  'qwerty', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qazwsx', 'qazwsxedc', 'zaq', 'zaqwsx', 'qwertyasdf', 'iloveyou', 'monkey', 'dragon', 'sunshine',
  'princess', 'football', 'baseball', 'trustno', 'abc', 'abcd', 'abcdef', 'secret', 'madoguchi', 'yakusho', 'kuyakusho', 'shiyakusho',
  'chuo', 'clerk', 'supervisor', 'staff', 'pokemon', 'doraemon', 'sakura', 'tokyo', 'nippon', 'japan',
]);
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz'];

/** The first rule a password breaks, or null when it is acceptable. */
export function passwordProblem(password: string, login?: string | null): PasswordProblem | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'too-short';
  const lower = password.toLowerCase();
  const l = login?.trim().toLowerCase();
  if (l && (lower === l || (l.length >= 3 && lower.includes(l)))) return 'contains-login';
  // One character or a short pattern over and over: "aaaaaaaaaa", "1212121212", "abcabcabcabc".
  if (/^(.{1,4})\1+.{0,3}$/su.test(password)) return 'repeated';
  // A run along the keyboard or the alphabet, forwards or backwards, with at most 3 extra characters.
  const squeezed = lower.replace(/[^a-z0-9]/g, '');
  for (const row of KEYBOARD_ROWS) {
    for (const s of [row, [...row].reverse().join('')]) {
      for (let len = squeezed.length; len >= Math.max(7, squeezed.length - 3); len--) {
        for (let i = 0; i + len <= squeezed.length; i++) if (s.includes(squeezed.slice(i, i + len))) return 'sequence';
      }
    }
  }
  const letters = lower.replace(/[^a-z]/g, '').replace(/^(.+?)\1+$/, '$1');
  const leet = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, '').replace(/0/g, 'o').replace(/1/g, 'i').replace(/3/g, 'e').replace(/4|@/g, 'a').replace(/5|\$/g, 's').replace(/[^a-z]/g, '');
  if (COMMON.has(letters) || COMMON.has(leet)) return 'common';
  return null;
}

/** Japanese first, English beside: what each problem means for the person typing. */
export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem | 'same-as-current', string> = {
  'too-short': `パスワードは${PASSWORD_MIN_LENGTH}文字以上にしてください。 / At least ${PASSWORD_MIN_LENGTH} characters.`,
  'contains-login': 'ログインIDを含むパスワードは使えません。 / The password must not contain the login.',
  repeated: '同じ文字や短い並びの繰り返しは使えません。 / No repeated characters or patterns.',
  sequence: 'キーボード・アルファベット・数字の並び（1234…、qwerty…）は使えません。 / No keyboard or number sequences.',
  common: 'よく使われるパスワードは使えません。 / This password is too common.',
  'same-as-current': '現在と同じパスワードは使えません。 / Choose a password different from the current one.',
};
