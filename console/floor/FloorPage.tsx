import type { StaffInfo } from '../../common/types.js';

/** Placeholder: its issue builds this section of the console. */
export function FloorPage({ staff }: { staff: StaffInfo }) {
  return <main><h2>FloorPage</h2><p>{staff.name}</p></main>;
}
