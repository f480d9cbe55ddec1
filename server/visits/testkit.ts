import type { DB } from '../store/db.js';

/**
 * Test and demo configuration of whole visits (issue 16) on the seeded office: 転入 (A) → 国保 (E)
 * → 児童手当 (F) may be combined in that order; 証明 (B) has a 交付 stage collected at a new
 * service K (交付, not offered at the kiosk) served by counter 12.
 */
export function configureVisits(db: DB, officeId = 'chuo'): void {
  db.transaction(() => {
    const rank = db.prepare('UPDATE services SET journey_rank = ? WHERE id = ?');
    rank.run(1, `${officeId}-A`);
    rank.run(2, `${officeId}-E`);
    rank.run(3, `${officeId}-F`);
    db.prepare(`INSERT INTO services (id, office_id, prefix, name_json, description_json, target_wait_min, default_service_min, sort_order, kiosk_visible)
      VALUES (?, ?, 'K', ?, ?, 10, 2, 50, 0)`).run(`${officeId}-K`, officeId, JSON.stringify({ ja: '交付', en: 'Pick-up' }), JSON.stringify({ ja: '書類のお受け取り', en: 'Collect your papers' }));
    db.prepare('UPDATE services SET pickup_service_id = ? WHERE id = ?').run(`${officeId}-K`, `${officeId}-B`);
    db.prepare('INSERT INTO counters (id, office_id, label, name_json, sort_order) VALUES (?, ?, ?, ?, ?)').run(`${officeId}-c12`, officeId, '12', JSON.stringify({ ja: '12番窓口（交付）', en: 'Counter 12 (pick-up)' }), 12);
    db.prepare('INSERT INTO counter_services (counter_id, service_id, position) VALUES (?, ?, 0)').run(`${officeId}-c12`, `${officeId}-K`);
  })();
}
