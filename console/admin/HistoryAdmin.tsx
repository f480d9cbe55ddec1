import { useCallback, useEffect, useState } from 'react';
import type { OfficeConfig } from './AdminPage.js';
import { adminApi, describeError, fmtTime } from './common.js';

/**
 * 過去データの取込 (issue 14): an admin previews a CSV of past steps — Madoguchi's own 手続明細 CSV
 * from another server, or another system's export through a column mapping saved by name — then
 * imports it (all or nothing), and can remove an import as a whole. Imported rows count in every
 * report like recorded steps and never enter the live queue.
 */

interface Preview {
  rows: number; tickets: number; steps: number; alreadyImported: number; newTickets: number; newSteps: number;
  firstDay: string | null; lastDay: string | null;
  byService: { serviceId: string; name: string; steps: number }[];
  byOutcome: Record<string, number>;
  sample: { line: number; businessDay: string; display: string; seq: number; service: string; outcome: string; issuedAt: string; firstCalledAt: string | null; endedAt: string; waitMin: number | null }[];
  errors: { line: number; message: string }[];
}
interface Batch { id: number; officeId: string; source: string; format: string; mappingName: string | null; fileName: string | null; tickets: number; steps: number; firstDay: string; lastDay: string; createdAt: number; removedAt: number | null }
interface SavedMapping { name: string; mapping: unknown }

const OUTCOME_JA: Record<string, string> = { served: '対応済', no_show: '不在', cancelled: '取消', transferred: '引継ぎ', unserved: '閉庁時未対応' };
const EXAMPLE_MAPPING = {
  encoding: 'shift_jis',
  columns: { ticket: '受付番号', date: '受付日', issued: '発券時刻', called: '呼出時刻', ended: '終了時刻', outcome: '状態', service: '業務コード', counter: '窓口' },
  dateFormat: 'yyyy/M/d',
  timeFormat: 'H:mm',
  outcomes: { 完了: 'served', 不在: 'no_show', 取消: 'cancelled' },
  services: { '01': 'chuo-A' },
};

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function HistoryAdmin({ config }: { config: OfficeConfig }) {
  const officeId = config.office.id;
  const [format, setFormat] = useState<'madoguchi' | 'mapped'>('madoguchi');
  const [mappings, setMappings] = useState<SavedMapping[]>([]);
  const [mapping, setMapping] = useState('');
  const [file, setFile] = useState<{ name: string; base64: string } | null>(null);
  const [source, setSource] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [batches, setBatches] = useState<Batch[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [editName, setEditName] = useState('');
  const [editJson, setEditJson] = useState(JSON.stringify(EXAMPLE_MAPPING, null, 2));

  const reload = useCallback(() => {
    adminApi<Batch[]>('GET', `/api/admin/history/batches?officeId=${encodeURIComponent(officeId)}`).then(setBatches).catch((e) => setError(describeError(e)));
    adminApi<SavedMapping[]>('GET', '/api/admin/history/mappings').then(setMappings).catch((e) => setError(describeError(e)));
  }, [officeId]);
  useEffect(reload, [reload]);

  const body = () => ({ officeId, format, ...(format === 'mapped' ? { mapping } : {}), base64: file!.base64 });
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await fn();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const doPreview = () => run(async () => {
    setPreview(null);
    setPreview(await adminApi<Preview>('POST', '/api/admin/history/preview', body()));
  });
  const doImport = () => run(async () => {
    const r = await adminApi<{ batch: Batch | null; addedTickets: number; addedSteps: number; alreadyImported: number }>('POST', '/api/admin/history/import', { ...body(), source, fileName: file!.name });
    setPreview(null);
    setDone(r.batch ? `取り込みました：番号札 ${r.addedTickets}件・手続 ${r.addedSteps}件（取込番号 ${r.batch.id}）。 Imported.` : `すべて取込済みのため、追加はありません（${r.alreadyImported}件）。 Nothing new.`);
    reload();
  });
  const remove = (b: Batch) => {
    if (!window.confirm(`取込「${b.source}」（手続 ${b.steps}件）を削除しますか？ レポートから除かれます。`)) return;
    void run(async () => {
      await adminApi('DELETE', `/api/admin/history/batches/${b.id}`, {});
      setDone(`取込「${b.source}」を削除しました。 Removed.`);
      reload();
    });
  };
  const saveMapping = () => run(async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(editJson);
    } catch {
      throw new Error('対応付けがJSONとして読めません。 The mapping is not valid JSON.');
    }
    await adminApi('PUT', `/api/admin/history/mappings/${encodeURIComponent(editName)}`, parsed);
    setMapping(editName);
    setDone(`対応付け「${editName}」を保存しました。 Saved.`);
    reload();
  });

  return (
    <div className="adm-history">
      <p className="adm-note">
        以前のシステムや他の庁舎の Madoguchi サーバーから、過去の手続の記録（CSV）を取り込みます。取り込んだ記録は、記録された手続と同じ方法ですべてのレポートに集計され、
        出典が表示されます。受付中の行列や操作履歴には入りません。本日より前の業務日の、終了した手続だけを取り込めます。同じ行を再度取り込んでも重複しません。
        Import past steps (CSV) from a previous system or another office's server; they count in every report like recorded steps.
      </p>
      <form className="adm-form adm-panel" aria-label="過去データの取込 History import" onSubmit={(e) => { e.preventDefault(); void doPreview(); }}>
        <h3>過去データの取込 History import</h3>
        <div className="adm-row">
          <label className="adm-field"><span className="adm-label">形式 Format</span>
            <select name="format" value={format} onChange={(e) => { setFormat(e.target.value as 'madoguchi' | 'mapped'); setPreview(null); }}>
              <option value="madoguchi">Madoguchi の手続明細CSV（steps.csv）</option>
              <option value="mapped">他のシステムのCSV（列の対応付け）</option>
            </select>
          </label>
          {format === 'mapped' && (
            <label className="adm-field"><span className="adm-label">対応付け Mapping</span>
              <select name="mapping" value={mapping} onChange={(e) => { setMapping(e.target.value); setPreview(null); }} required>
                <option value="">（選択）</option>
                {mappings.map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
              </select>
            </label>
          )}
          <label className="adm-field"><span className="adm-label">ファイル File</span>
            <input name="file" type="file" accept=".csv,text/csv" required onChange={(e) => {
              const f = e.target.files?.[0];
              setPreview(null);
              if (!f) return setFile(null);
              void f.arrayBuffer().then((buf) => setFile({ name: f.name, base64: toBase64(buf) }));
            }} />
          </label>
          <label className="adm-field"><span className="adm-label">出典 Source（レポートに表示）</span>
            <input name="source" value={source} maxLength={100} placeholder="例：旧受付システム（2019〜2025年）" onChange={(e) => setSource(e.target.value)} />
          </label>
        </div>
        <div className="adm-actions">
          <button type="submit" disabled={busy || !file || (format === 'mapped' && !mapping)}>確認（まだ取り込みません） Preview</button>
          <button type="button" className="adm-primary" disabled={busy || !preview || preview.errors.length > 0 || preview.newSteps === 0 || !source.trim()} onClick={() => void doImport()}>
            取り込む Import
          </button>
        </div>
        {error && <p role="alert" className="adm-error">{error}</p>}
        {done && <p role="status" className="adm-ok">{done}</p>}
      </form>

      {preview && (
        <section className="adm-panel" aria-label="取込の確認 Preview">
          <h3>確認 Preview</h3>
          <p>
            {preview.rows}行・番号札 {preview.tickets}件・手続 {preview.steps}件（{preview.firstDay ?? '—'}〜{preview.lastDay ?? '—'}）。
            取り込まれるのは番号札 <strong>{preview.newTickets}</strong>件・手続 <strong>{preview.newSteps}</strong>件{preview.alreadyImported ? `（取込済み ${preview.alreadyImported}件は重複しないため除きます）` : ''}。
          </p>
          <p>{preview.byService.map((s) => `${s.name} ${s.steps}件`).join('・')} ／ {Object.entries(preview.byOutcome).map(([o, n]) => `${OUTCOME_JA[o] ?? o} ${n}件`).join('・')}</p>
          {preview.errors.length > 0 && (
            <div role="alert" className="adm-error">
              <p>取り込めない行があります。ファイルを直してからもう一度確認してください（1行でも誤りがあれば何も取り込みません）。 Fix these rows; nothing is imported while any remain.</p>
              <ul className="adm-import-errors">{preview.errors.map((e, i) => <li key={i}>{e.line}行目：{e.message}</li>)}</ul>
            </div>
          )}
          <table className="adm-table">
            <thead><tr><th>行</th><th>業務日</th><th>番号</th><th>手続順</th><th>用件</th><th>結果</th><th>発券</th><th>初回呼出</th><th>終了</th><th>待ち(分)</th></tr></thead>
            <tbody>
              {preview.sample.map((r) => (
                <tr key={r.line}><td>{r.line}</td><td>{r.businessDay}</td><td>{r.display}</td><td>{r.seq}</td><td>{r.service}</td><td>{OUTCOME_JA[r.outcome] ?? r.outcome}</td>
                  <td>{r.issuedAt.slice(11, 19)}</td><td>{r.firstCalledAt?.slice(11, 19) ?? '—'}</td><td>{r.endedAt.slice(11, 19)}</td><td>{r.waitMin ?? '—'}</td></tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section className="adm-panel" aria-label="取込の一覧 Imports">
        <h3>取込の一覧 Imports</h3>
        <table className="adm-table">
          <thead><tr><th>番号</th><th>出典</th><th>形式</th><th>期間</th><th>番号札</th><th>手続</th><th>取込日時</th><th /></tr></thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.id} className={b.removedAt ? 'adm-muted' : ''}>
                <td>{b.id}</td><td>{b.source}</td><td>{b.format === 'mapped' ? `対応付け：${b.mappingName}` : 'Madoguchi'}{b.fileName ? `（${b.fileName}）` : ''}</td>
                <td>{b.firstDay}〜{b.lastDay}</td><td>{b.tickets}</td><td>{b.steps}</td><td>{fmtTime(b.createdAt)}</td>
                <td>{b.removedAt ? `削除済み（${fmtTime(b.removedAt)}）` : <button type="button" className="adm-danger" disabled={busy} onClick={() => remove(b)}>削除 Remove</button>}</td>
              </tr>
            ))}
            {batches.length === 0 && <tr><td colSpan={8}>なし None</td></tr>}
          </tbody>
        </table>
      </section>

      <form className="adm-form adm-panel" aria-label="列の対応付け Column mapping" onSubmit={(e) => { e.preventDefault(); void saveMapping(); }}>
        <h3>列の対応付け（他システムのCSV） Column mapping</h3>
        <p className="adm-note">
          columns＝各項目の列見出し、dateFormat / timeFormat＝日付・時刻の形式（yyyy MM M dd d HH H mm ss）、outcomes＝結果の語→served（対応済）・no_show（不在）・cancelled（取消）・transferred（引継ぎ）・unserved（閉庁時未対応）、
          services＝業務コード→この庁舎の用件ID（{config.services.map((s) => `${s.id}＝${s.name.ja}`).join('、')}）。時刻は庁舎の時間帯（{config.office.timezone}）で読みます。
        </p>
        <div className="adm-row">
          <label className="adm-field"><span className="adm-label">名前 Name</span>
            <input name="mappingName" value={editName} maxLength={60} required onChange={(e) => setEditName(e.target.value)} list="history-mappings" />
            <datalist id="history-mappings">{mappings.map((m) => <option key={m.name} value={m.name} />)}</datalist>
          </label>
          <button type="button" disabled={!mappings.some((m) => m.name === editName)} onClick={() => setEditJson(JSON.stringify(mappings.find((m) => m.name === editName)!.mapping, null, 2))}>読み込む Load</button>
        </div>
        <textarea name="mappingJson" rows={14} cols={90} value={editJson} onChange={(e) => setEditJson(e.target.value)} spellCheck={false} />
        <div className="adm-actions"><button type="submit" disabled={busy || !editName.trim()}>保存 Save</button></div>
      </form>
    </div>
  );
}
