import type { LocalizedText } from '../../common/types.js';
import type { ImportedInfo } from './types.js';

/** Under each report that includes imported history: how many steps, from which sources, counted like recorded ones. */
export function ImportedNote({ imported, offices }: { imported: ImportedInfo; offices: { id: string; name: LocalizedText }[] }) {
  if (!imported || imported.steps === 0) return null;
  const name = (id: string) => offices.find((o) => o.id === id)?.name.ja ?? id;
  return (
    <p className="rp-note rp-imported">
      この集計には、取り込んだ過去のデータ {imported.steps.toLocaleString('ja-JP')}件（{imported.sources.map((s) => `${name(s.officeId)}：${s.source}`).join('、')}）を含みます。
      記録された手続と同じ方法で集計しています。 Includes {imported.steps.toLocaleString('en')} imported steps, counted exactly like recorded ones.
    </p>
  );
}
