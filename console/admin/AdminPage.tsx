import type { StaffInfo } from '../../common/types.js';

/** Placeholder: its issue builds this section of the console. */
export function AdminPage({ staff }: { staff: StaffInfo }) {
  return <main><h2>AdminPage</h2><p>{staff.name}</p></main>;
}
