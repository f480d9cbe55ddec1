import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PublicSnapshot } from '../common/types.js';
import { PickupPanel } from './Pickup.js';

/** The 交付 panel's line follows the display's language rotation (catalogue key display.pickup.ready). */
describe('display 交付 panel languages', () => {
  const snap = { pickupsReady: [{ display: 'B-001' }] } as unknown as PublicSnapshot;
  const html = (lang?: Parameters<typeof PickupPanel>[0]['lang']) => renderToStaticMarkup(createElement(PickupPanel, { snap, lang }));

  it('Japanese with English beside by default', () => {
    expect(html()).toContain('交付 <span class="sub">書類ができました Ready</span>');
  });
  it('Vietnamese, Chinese and Korean in the rotation', () => {
    expect(html('vi')).toContain('<span class="sub" lang="vi" data-testid="pickups-lang">Giấy tờ đã xong</span>');
    expect(html('zh')).toContain('文件已办好');
    expect(html('ko')).toContain('서류가 완성되었습니다');
  });
  it('やさしいにほんご with furigana', () => {
    expect(html('ja-easy')).toContain('<ruby>書類<rt>しょるい</rt></ruby>');
    expect(html('ja-easy')).toContain('B-001');
  });
});
